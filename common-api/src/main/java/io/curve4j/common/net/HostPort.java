package io.curve4j.common.net;

import com.google.common.net.HostAndPort;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * An address "host:port" of one of our servers (HTTP, gRPC or Raft), as configuration and
 * the wire spell it. Parsed by Guava's {@link HostAndPort} (IPv6 hosts in brackets); Spring
 * binds a property of this type through {@link #of(String)}.
 */
public record HostPort(String host, int port) {

	public HostPort {
		if (host == null || host.isBlank()) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "an address needs a host");
		}
		// 0 is a port not chosen yet (a server asks the system for one)
		if (port < 0 || port > 65_535) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "port " + port + " is not 0..65535");
		}
	}

	/** Parses "host:port"; fails with INVALID_ARGUMENT saying what is wrong. */
	public static HostPort of(String text) {
		HostAndPort parsed;
		try {
			parsed = HostAndPort.fromString(text == null ? "" : text.trim()).requireBracketsForIPv6();
		}
		catch (IllegalArgumentException ex) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "'" + text + "' is not host:port: " + ex.getMessage());
		}
		if (!parsed.hasPort()) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "'" + text + "' has no port; write host:port");
		}
		return new HostPort(parsed.getHost(), parsed.getPort());
	}

	@Override
	public String toString() {
		return HostAndPort.fromParts(this.host, this.port).toString();
	}

}
