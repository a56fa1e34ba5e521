package io.curve4j.sdk.nbd;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

import org.conscrypt.Conscrypt;
import org.conscrypt.PSKKeyManager;

/**
 * The client end of NBD's TLS for tests: Conscrypt with one pre-shared key, offering
 * the PSK suites a TLS 1.2 client of BoringSSL has (the server picks its own).
 */
final class PskTlsClient {

	private PskTlsClient() {
	}

	/** Sockets that present {@code identity} and prove it with {@code key}. */
	static SSLSocketFactory factory(String identity, byte[] key) {
		try {
			SSLContext context = SSLContext.getInstance("TLS", Conscrypt.newProvider());
			context.init(new KeyManager[] { new ClientKey(identity, key) }, new TrustManager[0], new SecureRandom());
			return context.getSocketFactory();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Conscrypt's deprecated, successor-less way to give a client its pre-shared key. */
	@SuppressWarnings("deprecation")
	private record ClientKey(String identity, byte[] key) implements PSKKeyManager {

		@Override
		public String chooseClientKeyIdentity(String identityHint, Socket socket) {
			return this.identity;
		}

		@Override
		public String chooseClientKeyIdentity(String identityHint, SSLEngine engine) {
			return this.identity;
		}

		@Override
		public SecretKey getKey(String identityHint, String identity, Socket socket) {
			return new SecretKeySpec(this.key, "RAW");
		}

		@Override
		public SecretKey getKey(String identityHint, String identity, SSLEngine engine) {
			return new SecretKeySpec(this.key, "RAW");
		}

		@Override
		public String chooseServerKeyIdentityHint(Socket socket) {
			return null;
		}

		@Override
		public String chooseServerKeyIdentityHint(SSLEngine engine) {
			return null;
		}

	}

}
