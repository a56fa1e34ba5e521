package io.curve4j.sdk.nbd;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;

import org.conscrypt.Conscrypt;
import org.conscrypt.PSKKeyManager;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * The server side of NBD's TLS: pre-shared keys, as QEMU's {@code tls-creds-psk} uses
 * them, on Conscrypt (BoringSSL), since the JDK's own TLS has no PSK cipher suites. One
 * suite, TLS 1.2 {@code ECDHE_PSK} with ChaCha20-Poly1305: forward secret, authenticated
 * encryption, and offered by QEMU's GnuTLS under the PSK priority QEMU sets
 * ({@code NORMAL:+ECDHE-PSK:+DHE-PSK:+PSK}). BoringSSL has no PSK in TLS 1.3, so a
 * client offering 1.3 settles on 1.2.
 */
final class NbdTls {

	static final String PROTOCOL = "TLSv1.2";

	static final String CIPHER_SUITE = "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256";

	/** An unknown identity gets a random key of this size: its handshake fails as a wrong key does. */
	private static final int DECOY_KEY_BYTES = 32;

	private final NbdPskKeys keys;

	private final Provider provider;

	private final SecureRandom random = new SecureRandom();

	NbdTls(NbdPskKeys keys) {
		this.keys = keys;
		try {
			Conscrypt.checkAvailability();
		}
		catch (UnsatisfiedLinkError ex) {
			throw new CurveException(ErrorCode.UNAVAILABLE, "TLS for NBD needs Conscrypt's native library, which "
					+ "does not load on this platform: " + ex.getMessage(), ex);
		}
		this.provider = Conscrypt.newProvider();
	}

	/**
	 * The TLS of one connection, not yet started. Each has a context of its own: its key
	 * manager learns which identity the client presents, and no session cache or ticket
	 * key is shared, so every connection proves its key afresh (a resumed session would
	 * skip the key lookup).
	 */
	Session newSession() {
		IdentityKeyManager keyManager = new IdentityKeyManager();
		SSLEngine engine;
		try {
			SSLContext context = SSLContext.getInstance("TLS", this.provider);
			// no trust managers: there are no certificates either way
			context.init(new KeyManager[] { keyManager }, new TrustManager[0], this.random);
			engine = context.createSSLEngine();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Conscrypt cannot make a TLS context", ex);
		}
		engine.setUseClientMode(false);
		engine.setEnabledProtocols(new String[] { PROTOCOL });
		engine.setEnabledCipherSuites(new String[] { CIPHER_SUITE });
		Conscrypt.setUseSessionTickets(engine, false);
		return new Session(engine, keyManager);
	}

	/** One connection's TLS engine and the identity its client presented. */
	static final class Session {

		private final SSLEngine engine;

		private final IdentityKeyManager keyManager;

		private Session(SSLEngine engine, IdentityKeyManager keyManager) {
			this.engine = engine;
			this.keyManager = keyManager;
		}

		SSLEngine engine() {
			return this.engine;
		}

		/**
		 * The identity the client presented. It is proven only once the handshake has
		 * succeeded: finishing it takes that identity's key.
		 */
		String identity() {
			return this.keyManager.identity;
		}

	}

	/**
	 * Conscrypt's way to supply pre-shared keys. Its interface is deprecated without a
	 * successor: Conscrypt keeps it for TLS 1.2 PSK, which is what NBD clients speak.
	 */
	@SuppressWarnings("deprecation")
	private final class IdentityKeyManager implements PSKKeyManager {

		private volatile String identity;

		@Override
		public SecretKey getKey(String identityHint, String identity, SSLEngine engine) {
			this.identity = identity;
			byte[] key = NbdTls.this.keys.key(identity).orElseGet(() -> {
				// a made-up key instead of an "unknown identity" alert: which names have keys
				// is not told to whoever asks
				byte[] decoy = new byte[DECOY_KEY_BYTES];
				NbdTls.this.random.nextBytes(decoy);
				return decoy;
			});
			return new SecretKeySpec(key, "RAW");
		}

		@Override
		public SecretKey getKey(String identityHint, String identity, Socket socket) {
			throw new UnsupportedOperationException("NBD's TLS runs on engines, not sockets");
		}

		/** No hint: every client knows its own identity. */
		@Override
		public String chooseServerKeyIdentityHint(SSLEngine engine) {
			return null;
		}

		@Override
		public String chooseServerKeyIdentityHint(Socket socket) {
			return null;
		}

		@Override
		public String chooseClientKeyIdentity(String identityHint, SSLEngine engine) {
			throw new UnsupportedOperationException("the server end only");
		}

		@Override
		public String chooseClientKeyIdentity(String identityHint, Socket socket) {
			throw new UnsupportedOperationException("the server end only");
		}

	}

}
