package io.curve4j.common.raft.journal;

/**
 * The journal holds a record that fails its checks where a good one must be (not a torn
 * tail, which recovery cuts): acknowledged entries are damaged, and going on would serve
 * or replay wrong data.
 */
public final class JournalCorruptedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public JournalCorruptedException(String message) {
		super(message);
	}

}
