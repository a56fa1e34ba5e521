package io.curve4j.chunk.chunkfile;

import java.io.IOException;

/**
 * A chunk file whose header does not check out. It is an I/O failure, not a rejection: a
 * copyset that meets one while applying halts instead of serving or overwriting bad data.
 */
public class CorruptChunkFileException extends IOException {

	private static final long serialVersionUID = 1L;


	public CorruptChunkFileException(String message) {
		super(message);
	}

}
