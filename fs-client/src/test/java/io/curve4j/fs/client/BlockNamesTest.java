package io.curve4j.fs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BlockNamesTest {

	private final BlockNames names = new BlockNames("fs/", 4L << 20);

	@Test
	void keyFollowsThePinnedFormat() {
		assertThat(names.key(7, 12345, 99, 3, 0)).isEqualTo("fs/7_12345_99_3_0");
		assertThat(names.key(7, 12345, 99, 3, 0)).startsWith(names.inodePrefix(7, 12345));
	}

	@Test
	void inodePrefixDoesNotMatchAnotherInodeWithTheSameDigits() {
		assertThat(names.key(7, 123450, 1, 0, 0)).doesNotStartWith(names.inodePrefix(7, 12345));
	}

	@Test
	void blockCountRoundsUp() {
		assertThat(names.blockCount(0)).isZero();
		assertThat(names.blockCount(1)).isEqualTo(1);
		assertThat(names.blockCount(4L << 20)).isEqualTo(1);
		assertThat(names.blockCount((4L << 20) + 1)).isEqualTo(2);
	}

	@Test
	void refusesBadSettings() {
		assertThatThrownBy(() -> new BlockNames("p", 0)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new BlockNames(null, 1)).isInstanceOf(IllegalArgumentException.class);
	}
}
