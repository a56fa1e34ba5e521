package io.curve4j.fault;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.curve4j.cli.DeployedMetrics;
import io.curve4j.local.LocalLayout;
import io.curve4j.local.ServiceSpec;

/** What the chunkservers of a running cluster hold in chunk files, from their metrics. */
public final class ChunkSpace {

	private ChunkSpace() {
	}

	/** Bytes of one chunk file on disk: a header page, the data and a CRC32C per 4 KiB page (docs/formats.md). */
	public static long fileLength(long chunkSize) {
		return 4096 + chunkSize + chunkSize / 4096 * 4;
	}

	/** Bytes of chunk files on all chunkservers ({@code curve4j_chunk_used_bytes}, the pool not counted). */
	public static long inUse(LocalLayout layout) {
		long total = 0;
		for (ServiceSpec cs : layout.chunkServers()) {
			total += metrics(cs).lines()
				.filter(line -> line.startsWith("curve4j_chunk_used_bytes{application=\"chunkserver\"} "))
				.mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
				.findFirst()
				.orElseThrow(() -> new AssertionError(cs.name() + " exposes no curve4j_chunk_used_bytes"));
		}
		return total;
	}

	private static String metrics(ServiceSpec cs) {
		try {
			return DeployedMetrics.scrape(cs.http());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
