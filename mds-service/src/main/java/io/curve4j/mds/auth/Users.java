package io.curve4j.mds.auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import io.curve4j.common.auth.RequestSignature;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.config.MdsProperties;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.proto.mds.v1.CreateUserCommand;
import io.curve4j.proto.mds.v1.DeleteUserCommand;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.UserRecord;

/**
 * Users and how a caller proves to be one: a signature over the whole request
 * ({@link RequestSignature}), or a bearer token issued for a signed request. Tokens are
 * stateless, {@code cv1.<base64url(user)>.<expiry ms>.<HMAC(key, user:expiry)>}, so any
 * member verifies them and deleting a user revokes them all. Only the signing key derived
 * from a password is kept.
 *
 * <p>
 * Passwords are read from this member's database without a Raft read: every member
 * holds the same users, and a user created a moment ago on the leader is at worst
 * refused once on a lagging follower.
 */
@Service
public class Users {

	private static final Logger log = LoggerFactory.getLogger(Users.class);

	/** Letters, digits, '.', '_' and '-'; starting with a letter or digit. */
	static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

	static final int MIN_PASSWORD = 8;

	static final int MAX_PASSWORD = 256;

	private static final String TOKEN_PREFIX = "cv1";

	/** A user as the API shows it (never its password). */
	public record User(String name, Instant created) {
	}

	/** A bearer token and when it stops working. */
	public record Token(String token, String user, Instant expiresAt) {
	}

	private final MdsRaft raft;

	private final MdsStore store;

	private final MdsProperties.Auth properties;

	/** Root's signing key, derived from the configured password; null when authentication is off. */
	private final byte[] rootKey;

	/** Signatures accepted within the allowed clock skew: a second use is a replay. */
	private final Cache<String, Boolean> seen;

	private final Cache<String, byte[]> legacyKeys = Caffeine.newBuilder().maximumSize(10_000).build();

	private final Clock clock;

	public Users(MdsRaft raft, MdsStore store, MdsProperties properties) {
		this.raft = raft;
		this.store = store;
		this.properties = properties.getAuth();
		String rootPassword = this.properties.resolveRootPassword();
		this.rootKey = rootPassword == null ? null : RequestSignature.signingKey(RequestSignature.ROOT, rootPassword);
		this.clock = Clock.systemUTC();
		// a signature is refused by its date once older than the skew, on either side of now
		this.seen = Caffeine.newBuilder()
			.expireAfterWrite(this.properties.getMaxClockSkew().multipliedBy(2))
			.maximumSize(this.properties.getMaxRememberedSignatures())
			.build();
		if (this.rootKey == null) {
			log.warn("authentication is off (no curve.mds.auth.root-password[-file]): every caller acts as root");
		}
	}

	public boolean enabled() {
		return this.rootKey != null;
	}

	/**
	 * The caller who signed this request ({@link RequestSignature}); UNAUTHENTICATED,
	 * STALE_SIGNATURE or REPLAYED_SIGNATURE otherwise.
	 * @param header the request's header (or gRPC metadata) of a name
	 * @param path as received, not decoded
	 * @param query raw, null or empty when none
	 */
	public Caller verifySignature(Function<String, String> header, String method, String path, String query,
			byte[] body) {
		String owner = header.apply(RequestSignature.OWNER_HEADER);
		String date = header.apply(RequestSignature.DATE_HEADER);
		String nonce = header.apply(RequestSignature.NONCE_HEADER);
		String signature = header.apply(RequestSignature.SIGNATURE_HEADER);
		if (isBlank(owner) || isBlank(date) || isBlank(nonce) || isBlank(signature)) {
			throw new CurveException(ErrorCode.UNAUTHENTICATED, "a signed request carries "
					+ RequestSignature.OWNER_HEADER + ", " + RequestSignature.DATE_HEADER + ", "
					+ RequestSignature.NONCE_HEADER + " and " + RequestSignature.SIGNATURE_HEADER
					+ " (or use Authorization: Bearer TOKEN)");
		}
		long millis;
		try {
			millis = Long.parseLong(date.strip());
		}
		catch (NumberFormatException ex) {
			throw new CurveException(ErrorCode.UNAUTHENTICATED,
					RequestSignature.DATE_HEADER + " must be milliseconds since the epoch, not '" + date + "'");
		}
		long skew = Math.abs(this.clock.millis() - millis);
		if (skew > this.properties.getMaxClockSkew().toMillis()) {
			throw new CurveException(ErrorCode.STALE_SIGNATURE, "the request's date is " + skew / 1000
					+ " s away from the server's clock (at most " + this.properties.getMaxClockSkew().toSeconds()
					+ " s); sign with the current time");
		}
		byte[] key = signingKey(owner).orElseThrow(Users::badCredentials);
		RequestSignature.Signed signed = new RequestSignature.Signed(method, path, query == null ? "" : query,
				RequestSignature.sha256Hex(body), millis, nonce.strip(), owner);
		if (!RequestSignature.matches(RequestSignature.sign(key, signed), signature.strip())) {
			throw badCredentials();
		}
		// only a valid signature is remembered: garbage cannot fill the memory of seen ones
		if (this.seen.asMap().putIfAbsent(signature.strip(), Boolean.TRUE) != null) {
			throw new CurveException(ErrorCode.REPLAYED_SIGNATURE,
					"this signature was used before; sign every request afresh (new date and nonce)");
		}
		return new Caller(owner);
	}

	/**
	 * Forgets an accepted signature, for a request that provably did not run (a follower
	 * redirected it, or no leader could take it): the client's retry of the same signed
	 * request is then accepted. Only requests that ran consume their signature.
	 */
	public void release(String signature) {
		this.seen.invalidate(signature.strip());
	}

	/** A token for a caller who proved itself with a signature: a token cannot mint tokens. */
	public Token issueToken(Caller caller) {
		long expires = this.clock.millis() + this.properties.getTokenTtl().toMillis();
		byte[] key = signingKey(caller.name()).orElseThrow(Users::badCredentials);
		String user = Base64.getUrlEncoder().withoutPadding().encodeToString(caller.name().getBytes(StandardCharsets.UTF_8));
		String token = TOKEN_PREFIX + "." + user + "." + expires + "." + tokenMac(key, caller.name(), expires);
		return new Token(token, caller.name(), Instant.ofEpochMilli(expires));
	}

	public Caller verifyToken(String token) {
		String[] parts = token.strip().split("\\.", -1);
		if (parts.length != 4 || !parts[0].equals(TOKEN_PREFIX)) {
			throw new CurveException(ErrorCode.UNAUTHENTICATED, "not a Curve4J bearer token; get one from POST /api/v1/tokens");
		}
		String user;
		long expires;
		try {
			user = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
			expires = Long.parseLong(parts[2]);
		}
		catch (IllegalArgumentException ex) {
			throw new CurveException(ErrorCode.UNAUTHENTICATED, "malformed bearer token");
		}
		if (expires < this.clock.millis()) {
			throw new CurveException(ErrorCode.UNAUTHENTICATED, "the bearer token expired at "
					+ Instant.ofEpochMilli(expires) + "; get a new one from POST /api/v1/tokens");
		}
		byte[] key = signingKey(user).orElseThrow(Users::badCredentials);
		if (!RequestSignature.matches(tokenMac(key, user, expires), parts[3])) {
			throw badCredentials();
		}
		return new Caller(user);
	}

	public User create(Caller caller, String name, String password) {
		caller.requireRoot("create users");
		if (name == null || !NAME.matcher(name).matches() || name.equals(RequestSignature.ROOT)) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "a user name is 1 to 64 letters, digits, '.', '_' or '-'"
					+ " starting with a letter or digit, and not 'root'; got '" + name + "'");
		}
		if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT,
					"a password has " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
		}
		// the key, never the password, goes into the Raft log, the database and snapshots
		UserRecord created = (UserRecord) this.raft.propose(MdsCommand.newBuilder()
			.setCreateUser(CreateUserCommand.newBuilder()
				.setName(name)
				.setSigningKey(ByteString.copyFrom(RequestSignature.signingKey(name, password)))
				.setCtimeMs(this.clock.millis()))
			.build());
		return view(created);
	}

	public void delete(Caller caller, String name) {
		caller.requireRoot("delete users");
		if (RequestSignature.ROOT.equals(name)) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "root cannot be deleted");
		}
		this.raft.propose(MdsCommand.newBuilder().setDeleteUser(DeleteUserCommand.newBuilder().setName(name)).build());
	}

	/** Every stored user in name order (root, which is configured, is not among them). */
	public List<User> list(Caller caller) {
		caller.requireRoot("list users");
		return this.raft.read(() -> this.store.list(MdsSchema.USERS)).stream().map(Users::view).toList();
	}

	private Optional<byte[]> signingKey(String user) {
		if (RequestSignature.ROOT.equals(user)) {
			return Optional.ofNullable(this.rootKey);
		}
		return this.store.get(MdsSchema.USERS, user).map(this::signingKey);
	}

	/**
	 * A record written before keys were derived holds the password: the key is derived from
	 * it, once (the derivation is slow on purpose).
	 */
	private byte[] signingKey(UserRecord user) {
		if (!user.getSigningKey().isEmpty()) {
			return user.getSigningKey().toByteArray();
		}
		return this.legacyKeys.get(user.getName() + '\0' + user.getPassword(),
				k -> RequestSignature.signingKey(user.getName(), user.getPassword()));
	}

	private static String tokenMac(byte[] key, String user, long expires) {
		return RequestSignature.hmac(key, "token:" + user + ":" + expires).replace('+', '-').replace('/', '_');
	}

	private static User view(UserRecord r) {
		return new User(r.getName(), Instant.ofEpochMilli(r.getCtimeMs()));
	}

	/** One answer for an unknown user and a wrong signature, so names cannot be probed. */
	private static CurveException badCredentials() {
		return new CurveException(ErrorCode.UNAUTHENTICATED, "unknown user or wrong signature");
	}

	private static boolean isBlank(String s) {
		return s == null || s.isBlank();
	}

}
