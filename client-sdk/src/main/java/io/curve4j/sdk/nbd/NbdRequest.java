package io.curve4j.sdk.nbd;

/**
 * A transmission-phase request as the client sent it.
 *
 * @param flags command flags ({@code NBD_CMD_FLAG_*})
 * @param type command ({@code NBD_CMD_*})
 * @param handle the client's cookie, echoed in the reply
 * @param offset byte offset, unsigned on the wire (a negative value is past any export)
 * @param length byte length, unsigned 32 bits
 * @param payload the data of a write, null for other commands
 */
record NbdRequest(int flags, int type, long handle, long offset, long length, byte[] payload) {

	boolean fua() {
		return (this.flags & NbdProtocol.CMD_FLAG_FUA) != 0;
	}

	boolean noHole() {
		return (this.flags & NbdProtocol.CMD_FLAG_NO_HOLE) != 0;
	}

}
