package io.curve4j.mds;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import tools.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.curve4j.common.net.LoopbackPorts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed OpenAPI document ({@code openapi/mds.json}) is what the running MDS
 * serves. When the REST API changes on purpose, regenerate it with
 * {@code mvn -B verify -pl mds-service -am -Dit.test=OpenApiDocumentIT -Dopenapi.write=true}
 * and commit the file with the change.
 */
class OpenApiDocumentIT {

	private static final Path COMMITTED = Path.of("..", "openapi", "mds.json");

	@TempDir
	Path dir;

	@Test
	void committedDocumentMatchesTheRunningApi() throws IOException {
		String served;
		try (MdsNode node = MdsNode.start(this.dir, LoopbackPorts.free(), 0, 0)) {
			served = node.text("/v3/api-docs");
		}
		JsonNode running = MdsNode.JSON.readTree(served);
		String pretty = MdsNode.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(running) + "\n";
		if (Boolean.getBoolean("openapi.write")) {
			Files.createDirectories(COMMITTED.getParent());
			Files.writeString(COMMITTED, pretty);
		}
		assertThat(Files.exists(COMMITTED)).as(COMMITTED.toAbsolutePath() + " is missing; " + HOW).isTrue();
		JsonNode committed = MdsNode.JSON.readTree(Files.readString(COMMITTED));
		assertThat(running).as("the MDS REST API differs from openapi/mds.json; " + HOW).isEqualTo(committed);
	}

	private static final String HOW = "if the change is intended, regenerate it with 'mvn -B verify -pl mds-service -am "
			+ "-Dit.test=OpenApiDocumentIT -Dopenapi.write=true' and commit it";

}
