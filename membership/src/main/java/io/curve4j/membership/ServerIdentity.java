package io.curve4j.membership;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;

/**
 * This server's id, given by the MDS at registration, and its token, drawn here before
 * the first registration. Kept in a file of the data directory ({@code chunkserver.properties}
 * or {@code metaserver.properties}) and presented with every later registration and
 * heartbeat, so a restarted server stays the same member of the topology.
 *
 * @param id server id assigned by the MDS; 0 until the first registration succeeds
 * @param token secret proving this process owns the id
 */
record ServerIdentity(int id, String token) {

	private static final SecureRandom RANDOM = new SecureRandom();

	/** A new token and no id yet. */
	static ServerIdentity unregistered() {
		byte[] token = new byte[16];
		RANDOM.nextBytes(token);
		return new ServerIdentity(0, HexFormat.of().formatHex(token));
	}

	boolean registered() {
		return this.id != 0;
	}

	static Optional<ServerIdentity> load(Path file) throws IOException {
		if (!Files.exists(file)) {
			return Optional.empty();
		}
		Properties p = new Properties();
		try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			p.load(in);
		}
		return Optional.of(new ServerIdentity(Integer.parseUnsignedInt(p.getProperty("id")), p.getProperty("token")));
	}

	/** Written to a temporary file, forced and renamed: a crash leaves the old identity or the new one. */
	void save(Path file) throws IOException {
		Files.createDirectories(file.getParent());
		Properties p = new Properties();
		p.setProperty("id", Integer.toUnsignedString(this.id));
		p.setProperty("token", this.token);
		Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
		try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
			p.store(out, "registration; deleting it makes this a new server to the MDS");
		}
		try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
			channel.force(true);
		}
		Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

}
