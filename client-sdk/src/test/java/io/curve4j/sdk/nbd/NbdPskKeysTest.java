package io.curve4j.sdk.nbd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** QEMU's {@code keys.psk} format as the server reads it, and the files it refuses. */
class NbdPskKeysTest {

	private static final String KEY = "00112233445566778899aabbccddeeff";

	@TempDir
	Path dir;

	@Test
	void readsNameColonHexLinesSkippingBlankOnes() throws IOException {
		NbdPskKeys keys = NbdPskKeys.read(write("root:" + KEY + "\n\n  alice:" + KEY.toUpperCase() + "ab  \n"));
		assertThat(keys.identities()).containsExactlyInAnyOrder("root", "alice");
		assertThat(keys.key("root")).hasValueSatisfying((key) -> assertThat(key).hasSize(16));
		assertThat(keys.key("alice")).hasValueSatisfying((key) -> assertThat(key).hasSize(17));
		assertThat(keys.key("bob")).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "root", ":" + KEY, "root:xyz", "root:00112233", "root:" + KEY + "\nroot:" + KEY, "\n" })
	void malformedFilesAreRefused(String content) throws IOException {
		Path file = write(content);
		assertThatThrownBy(() -> NbdPskKeys.read(file)).isInstanceOfSatisfying(CurveException.class,
				(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
	}

	@Test
	void newKeyLinesReadBack() throws IOException {
		NbdPskKeys keys = NbdPskKeys.read(write(NbdPskKeys.newKeyLine("root") + "\n" + NbdPskKeys.newKeyLine("bob")));
		assertThat(keys.key("root")).hasValueSatisfying((key) -> assertThat(key).hasSize(32));
		assertThat(keys.key("root").orElseThrow()).isNotEqualTo(keys.key("bob").orElseThrow());
	}

	@Test
	void aMissingFileIsRefused() {
		assertThatThrownBy(() -> NbdPskKeys.read(this.dir.resolve("absent"))).isInstanceOf(CurveException.class)
			.hasMessageContaining("absent");
	}

	private Path write(String content) throws IOException {
		return Files.writeString(this.dir.resolve(NbdPskKeys.FILE_NAME), content);
	}

}
