package io.curve4j.sdk.nbd;

/**
 * Numbers of the NBD protocol (the {@code doc/proto.md} of the NetworkBlockDevice
 * project): magics, option and reply types, flags, commands and errors, all in network
 * byte order on the wire. Only what this server speaks is listed.
 */
final class NbdProtocol {

	/** {@code "NBDMAGIC"}: first 8 bytes the server sends. */
	static final long INIT_PASSWD = 0x4e42444d41474943L;

	/** {@code "IHAVEOPT"}: newstyle negotiation, and the prefix of every client option. */
	static final long IHAVEOPT = 0x49484156454F5054L;

	static final long OPTION_REPLY_MAGIC = 0x0003e889045565a9L;

	static final int REQUEST_MAGIC = 0x25609513;

	static final int SIMPLE_REPLY_MAGIC = 0x67446698;

	static final int STRUCTURED_REPLY_MAGIC = 0x668e33ef;

	/** Bytes of a transmission request header: magic, flags, type, handle, offset, length. */
	static final int REQUEST_HEADER_SIZE = 28;

	// handshake flags (server) and client flags
	static final int FLAG_FIXED_NEWSTYLE = 1;

	static final int FLAG_NO_ZEROES = 1 << 1;

	static final int FLAG_C_FIXED_NEWSTYLE = 1;

	static final int FLAG_C_NO_ZEROES = 1 << 1;

	// transmission flags
	static final int FLAG_HAS_FLAGS = 1;

	static final int FLAG_SEND_FLUSH = 1 << 2;

	static final int FLAG_SEND_FUA = 1 << 3;

	static final int FLAG_SEND_TRIM = 1 << 5;

	static final int FLAG_SEND_WRITE_ZEROES = 1 << 6;

	static final int FLAG_CAN_MULTI_CONN = 1 << 8;

	// options
	static final int OPT_EXPORT_NAME = 1;

	static final int OPT_ABORT = 2;

	static final int OPT_LIST = 3;

	static final int OPT_STARTTLS = 5;

	static final int OPT_INFO = 6;

	static final int OPT_GO = 7;

	static final int OPT_STRUCTURED_REPLY = 8;

	// option replies; errors have bit 31 set
	static final int REP_ACK = 1;

	static final int REP_SERVER = 2;

	static final int REP_INFO = 3;

	static final int REP_ERR_UNSUP = 0x80000001;

	static final int REP_ERR_POLICY = 0x80000002;

	static final int REP_ERR_INVALID = 0x80000003;

	/** The server takes only TLS connections, and this one has not started TLS yet. */
	static final int REP_ERR_TLS_REQD = 0x80000005;

	static final int REP_ERR_UNKNOWN = 0x80000006;

	// information types of NBD_REP_INFO
	static final int INFO_EXPORT = 0;

	static final int INFO_BLOCK_SIZE = 3;

	// commands and command flags
	static final int CMD_READ = 0;

	static final int CMD_WRITE = 1;

	static final int CMD_DISC = 2;

	static final int CMD_FLUSH = 3;

	static final int CMD_TRIM = 4;

	static final int CMD_WRITE_ZEROES = 6;

	static final int CMD_FLAG_FUA = 1;

	/** On write zeroes: the range must stay allocated (no chunk may be freed). */
	static final int CMD_FLAG_NO_HOLE = 1 << 1;

	// structured reply chunk types and flags
	static final int REPLY_FLAG_DONE = 1;

	static final int REPLY_TYPE_NONE = 0;

	static final int REPLY_TYPE_OFFSET_DATA = 1;

	static final int REPLY_TYPE_ERROR = (1 << 15) + 1;

	// errors (errno values fixed by the protocol, whatever the platform)
	static final int EIO = 5;

	static final int EINVAL = 22;

	static final int ENOSPC = 28;

	private NbdProtocol() {
	}

}
