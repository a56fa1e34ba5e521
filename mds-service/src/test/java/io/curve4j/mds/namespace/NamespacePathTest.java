package io.curve4j.mds.namespace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamespacePathTest {

	@Test
	void parsesAbsolutePaths() {
		assertThat(NamespacePath.parse("/").isRoot()).isTrue();
		NamespacePath p = NamespacePath.parse("/demo/vol-1");
		assertThat(p.names()).containsExactly("demo", "vol-1");
		assertThat(p.name()).isEqualTo("vol-1");
		assertThat(p.parent()).isEqualTo(NamespacePath.parse("/demo"));
		assertThat(p.toString()).isEqualTo("/demo/vol-1");
		assertThat(NamespacePath.parse("/ü/名前").names()).containsExactly("ü", "名前");
	}

	@Test
	void isWithin() {
		assertThat(NamespacePath.parse("/a/b/c").isWithin(NamespacePath.parse("/a/b"))).isTrue();
		assertThat(NamespacePath.parse("/a/bc").isWithin(NamespacePath.parse("/a/b"))).isFalse();
		assertThat(NamespacePath.parse("/a").isWithin(NamespacePath.ROOT)).isTrue();
	}

	@Test
	void nameOf255BytesIsAllowed() {
		assertThat(NamespacePath.parse("/" + "a".repeat(255)).name()).hasSize(255);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "relative", "a/b", "//", "/a//b", "/a/", "/.", "/a/./b", "/a/..", "/..", "/a\0b" })
	void invalidPaths(String path) {
		assertInvalid(path);
	}

	@Test
	void nullAndOverlongNamesAreInvalid() {
		assertInvalid(null);
		assertInvalid("/" + "a".repeat(256));
		// 128 two-byte characters: 256 bytes
		assertInvalid("/" + "é".repeat(128));
	}

	private static void assertInvalid(String path) {
		assertThatThrownBy(() -> NamespacePath.parse(path)).isInstanceOf(CurveException.class)
			.satisfies(ex -> assertThat(((CurveException) ex).code()).isEqualTo(ErrorCode.INVALID_PATH));
	}

}
