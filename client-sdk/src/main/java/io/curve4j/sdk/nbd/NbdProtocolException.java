package io.curve4j.sdk.nbd;

/**
 * The peer broke the protocol in a way that leaves the byte stream out of step (a bad
 * magic, an option or write too large to buffer): its connection is closed, nothing else.
 */
final class NbdProtocolException extends RuntimeException {

	private static final long serialVersionUID = 1L;


	NbdProtocolException(String message) {
		super(message);
	}

}
