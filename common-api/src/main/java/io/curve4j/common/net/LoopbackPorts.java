package io.curve4j.common.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for services started on loopback by tests, benchmarks and the local cluster.
 * They come from below Linux's ephemeral range (32768 and up by default): a port the OS
 * picked for us is also the OS's pick for the next outgoing connection, so a service
 * that binds it a moment later can find it taken (gRPC's "Address already in use" on
 * start or restart). A port is handed out once per JVM.
 */
public final class LoopbackPorts {

	/** Lowest port handed out. */
	public static final int LOW = 10_000;

	/** One past the highest port handed out: where Linux's ephemeral range starts. */
	public static final int HIGH = 32_768;

	private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

	private LoopbackPorts() {
	}

	/** A port nothing listens on now, not handed out before in this JVM. */
	public static int free() {
		for (int attempt = 0; attempt < 1000; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
			if (isFree(port) && HANDED_OUT.add(port)) {
				return port;
			}
		}
		throw new IllegalStateException("no free port between " + LOW + " and " + HIGH);
	}

	/** Whether a server socket could bind {@code port} on loopback right now. */
	public static boolean isFree(int port) {
		try {
			new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
