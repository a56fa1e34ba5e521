/**
 * An NBD server ({@link io.curve4j.sdk.nbd.NbdServer}, {@code curve nbd serve}) that
 * exports volumes to QEMU ({@code nbd://host:10809/demo/vol1}), the kernel's
 * {@code nbd-client} and any other NBD client, on top of the block SDK. Export names are
 * volume paths (the leading slash is optional, as NBD URIs drop it).
 * <p>
 * Protocol: newstyle fixed handshake; {@code NBD_OPT_GO}, {@code NBD_OPT_INFO} (export
 * size and flags, block sizes 512 / 4096 / 32 MiB), {@code NBD_OPT_EXPORT_NAME},
 * {@code NBD_OPT_LIST} (under TLS only), {@code NBD_OPT_STARTTLS},
 * {@code NBD_OPT_STRUCTURED_REPLY}, {@code NBD_OPT_ABORT}; commands {@code READ}, {@code WRITE}, {@code FLUSH},
 * {@code TRIM}, {@code WRITE_ZEROES}, {@code DISC}, with {@code FUA}. Every connection
 * may have many requests in flight; replies go out as requests complete, matched by
 * handle. All connections to one volume share one open {@code Volume}.
 * <p>
 * Durability: a write is answered only after the chunkservers acknowledged it, and a
 * chunkserver acknowledges a write only once the copyset's Raft majority has committed it
 * and the leader applied it. So every answered write is already durable on a majority:
 * {@code FUA} changes nothing, and {@code FLUSH} completes once the writes in flight when
 * it arrived (on any connection to that volume) have completed; hence
 * {@code NBD_FLAG_CAN_MULTI_CONN}.
 * <p>
 * {@code WRITE_ZEROES} writes zeros (the chunkservers have no zeroing or discard
 * command). {@code TRIM} is answered without touching data, which the protocol allows
 * for a hint: zeroing instead would allocate every chunk of a thin volume that
 * {@code mkfs} or {@code fstrim} discards whole.
 * <p>
 * Access: without TLS the server listens on a loopback address only, and every
 * connection may use every volume (it opens them with the server's own credentials, so
 * its host's users are trusted like its user); {@code NBD_OPT_STARTTLS} gets
 * {@code NBD_REP_ERR_POLICY}. Given pre-shared keys ({@link io.curve4j.sdk.nbd.NbdPskKeys},
 * QEMU's {@code keys.psk} format) it may listen anywhere and requires TLS: until
 * {@code NBD_OPT_STARTTLS} every option but {@code NBD_OPT_ABORT} gets
 * {@code NBD_REP_ERR_TLS_REQD} ({@code NBD_OPT_EXPORT_NAME} closes the connection); then
 * TLS 1.2 with the PSK ({@code ECDHE_PSK}, ChaCha20-Poly1305, on Conscrypt) runs on the
 * same connection and negotiation goes on inside it. The PSK identity is a Curve user,
 * who sees and opens only the volumes it owns ({@code root}: all); another user's volume
 * is refused as an unknown one. A second STARTTLS gets {@code NBD_REP_ERR_INVALID}.
 * <p>
 * Bad input: an unknown export is refused ({@code NBD_REP_ERR_UNKNOWN}); a request that
 * is unaligned, or reads past the end, gets {@code EINVAL}; a write past the end gets
 * {@code ENOSPC}; a bad magic, an oversized option or an oversized write closes that
 * connection only, and so do a failed TLS handshake (wrong key, unknown identity: both
 * alike), bytes sent in the clear behind {@code NBD_OPT_STARTTLS}, and garbage instead
 * of TLS. A connection has 30 s to choose an export, its TLS handshake included.
 */
package io.curve4j.sdk.nbd;
