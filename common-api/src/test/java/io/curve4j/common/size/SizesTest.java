package io.curve4j.common.size;

import org.junit.jupiter.api.Test;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizesTest {

	@Test
	void parsesBinaryUnits() {
		assertThat(Sizes.parse("10GiB")).isEqualTo(10 * Sizes.GIB);
		assertThat(Sizes.parse("4k")).isEqualTo(4096);
		assertThat(Sizes.parse("4KiB")).isEqualTo(4096);
		assertThat(Sizes.parse("1MiB")).isEqualTo(Sizes.MIB);
		assertThat(Sizes.parse("512B")).isEqualTo(512);
		assertThat(Sizes.parse("512")).isEqualTo(512);
		assertThat(Sizes.parse("2TiB")).isEqualTo(2 * Sizes.TIB);
	}

	@Test
	void rejectsGarbageAndOverflow() {
		assertThatThrownBy(() -> Sizes.parse("-1GiB")).isInstanceOf(CurveException.class)
			.extracting(e -> ((CurveException) e).code())
			.isEqualTo(ErrorCode.INVALID_SIZE);
		assertThatThrownBy(() -> Sizes.parse("ten")).isInstanceOf(CurveException.class);
		assertThatThrownBy(() -> Sizes.parse("99999999999999PiB")).isInstanceOf(CurveException.class);
		assertThatThrownBy(() -> Sizes.parse(null)).isInstanceOf(CurveException.class);
	}

	@Test
	void formatsExactly() {
		assertThat(Sizes.format(10 * Sizes.GIB)).isEqualTo("10GiB");
		assertThat(Sizes.format(1536 * Sizes.MIB)).isEqualTo("1536MiB");
		assertThat(Sizes.format(7)).isEqualTo("7B");
	}

}
