package io.curve4j.chunk.heartbeat;

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
 * This chunkserver's id, given by the MDS at registration, and its token, drawn here
 * before the first registration. Kept in the data directory ({@code chunkserver.properties})
 * and presented with every later registration and heartbeat, so a restarted chunkserver
 * stays the same member of the topology.
 *
 * @param id chunkserver id assigned by the MDS; 0 until the first registration succeeds
 * @param token secret proving this process owns the id
 */
record ChunkServerIdentity(int id, String token) {

	static final String FILE = "chunkserver.properties";

	private static final SecureRandom RANDOM = new SecureRandom();

	/** A new token and no id yet. */
	static ChunkServerIdentity unregistered() {
		byte[] token = new byte[16];
		RANDOM.nextBytes(token);
		return new ChunkServerIdentity(0, HexFormat.of().formatHex(token));
	}

	boolean registered() {
		return this.id != 0;
	}

	static Optional<ChunkServerIdentity> load(Path dataDir) throws IOException {
		Path file = dataDir.resolve(FILE);
		if (!Files.exists(file)) {
			return Optional.empty();
		}
		Properties p = new Properties();
		try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			p.load(in);
		}
		return Optional.of(new ChunkServerIdentity(Integer.parseUnsignedInt(p.getProperty("id")), p.getProperty("token")));
	}

	/** Written to a temporary file, forced and renamed: a crash leaves the old identity or the new one. */
	void save(Path dataDir) throws IOException {
		Files.createDirectories(dataDir);
		Properties p = new Properties();
		p.setProperty("id", Integer.toUnsignedString(this.id));
		p.setProperty("token", this.token);
		Path tmp = dataDir.resolve(FILE + ".tmp");
		try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
			p.store(out, "chunkserver registration; deleting it makes this a new chunkserver to the MDS");
		}
		try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
			channel.force(true);
		}
		Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

}
