package io.curve4j.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerIdentityTest {

	@TempDir
	Path dir;

	@Test
	void noFileMeansNoIdentity() throws Exception {
		assertThat(ServerIdentity.load(this.dir.resolve("metaserver.properties"))).isEmpty();
	}

	@Test
	void aNewIdentityHasAFreshTokenAndNoId() {
		ServerIdentity a = ServerIdentity.unregistered();
		ServerIdentity b = ServerIdentity.unregistered();
		assertThat(a.registered()).isFalse();
		assertThat(a.token()).hasSize(32).isNotEqualTo(b.token());
	}

	@Test
	void savedIdentitySurvivesAReloadAndReplacesTheOldOne() throws Exception {
		Path file = this.dir.resolve("data").resolve("chunkserver.properties");
		ServerIdentity first = ServerIdentity.unregistered();
		first.save(file);
		assertThat(ServerIdentity.load(file)).contains(first);

		// an id above Integer.MAX_VALUE is kept as the MDS gave it (unsigned)
		ServerIdentity assigned = new ServerIdentity(-2, first.token());
		assigned.save(file);
		assertThat(ServerIdentity.load(file)).contains(assigned);
		assertThat(assigned.registered()).isTrue();
		assertThat(Files.exists(file.resolveSibling("chunkserver.properties.tmp"))).isFalse();
	}

}
