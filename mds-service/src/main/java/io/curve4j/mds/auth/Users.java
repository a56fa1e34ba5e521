package io.curve4j.mds.auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import io.curve4j.common.auth.RequestSignature;
import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.raft.MdsRaft;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsStore;
import io.curve4j.proto.mds.v1.CreateUserCommand;
import io.curve4j.proto.mds.v1.DeleteUserCommand;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.UserRecord;

/**
 * Users and how a caller proves to be one: Curve's signature over date and owner, or a
 * bearer token issued for a signed request. Tokens are stateless,
 * {@code cv1.<base64url(user)>.<expiry ms>.<HMAC(password, user:expiry)>}, so any member
 * verifies them and changing a user's password (or deleting it) revokes them all.
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

	private final AuthProperties properties;

	private final String rootPassword;

	private final Clock clock;

	public Users(MdsRaft raft, MdsStore store, AuthProperties properties) {
		this.raft = raft;
		this.store = store;
		this.properties = properties;
		this.rootPassword = properties.resolveRootPassword();
		this.clock = Clock.systemUTC();
		if (this.rootPassword == null) {
			log.warn("authentication is off (no curve.mds.auth.root-password[-file]): every caller acts as root");
		}
	}

	public boolean enabled() {
		return this.rootPassword != null;
	}

	/** The caller whose signature this is; UNAUTHENTICATED or STALE_SIGNATURE otherwise. */
	public Caller verifySignature(String owner, String date, String signature) {
		if (isBlank(owner) || isBlank(date) || isBlank(signature)) {
			throw new CurveException(ErrorCode.UNAUTHENTICATED, "a signed request carries "
					+ RequestSignature.OWNER_HEADER + ", " + RequestSignature.DATE_HEADER + " and "
					+ RequestSignature.SIGNATURE_HEADER + " (or use Authorization: Bearer TOKEN)");
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
		String password = password(owner).orElseThrow(Users::badCredentials);
		if (!RequestSignature.matches(RequestSignature.sign(password, millis, owner), signature.strip())) {
			throw badCredentials();
		}
		return new Caller(owner);
	}

	public Token issueToken(Caller caller) {
		long expires = this.clock.millis() + this.properties.getTokenTtl().toMillis();
		String password = password(caller.name()).orElseThrow(Users::badCredentials);
		String user = Base64.getUrlEncoder().withoutPadding().encodeToString(caller.name().getBytes(StandardCharsets.UTF_8));
		String token = TOKEN_PREFIX + "." + user + "." + expires + "." + tokenMac(password, caller.name(), expires);
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
		String password = password(user).orElseThrow(Users::badCredentials);
		if (!RequestSignature.matches(tokenMac(password, user, expires), parts[3])) {
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
		UserRecord created = (UserRecord) this.raft.propose(MdsCommand.newBuilder()
			.setCreateUser(CreateUserCommand.newBuilder()
				.setName(name)
				.setPassword(password)
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

	private Optional<String> password(String user) {
		if (RequestSignature.ROOT.equals(user)) {
			return Optional.ofNullable(this.rootPassword);
		}
		return this.store.get(MdsSchema.USERS, user).map(UserRecord::getPassword);
	}

	private static String tokenMac(String password, String user, long expires) {
		return RequestSignature.hmac(password, "token:" + user + ":" + expires).replace('+', '-').replace('/', '_');
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
