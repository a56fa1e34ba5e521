package io.curve4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {

	private static final long SECOND = 1_000_000_000L;

	@Test
	void timeLeftIsTheRestAtTheMeanRateSoFar() {
		assertThat(Progress.timeLeft(10 * SECOND, 25, 100)).isEqualTo("0:30");
		assertThat(Progress.timeLeft(90 * SECOND, 1, 2)).isEqualTo("1:30");
		assertThat(Progress.timeLeft(SECOND, 1, 4000)).isEqualTo("1:06:39");
		assertThat(Progress.timeLeft(SECOND, 100, 100)).isEqualTo("0:00");
		assertThat(Progress.timeLeft(SECOND, 0, 100)).isEqualTo("-:--");
	}

	@Test
	void aTerminalSeesTheBarWithTheTimeLeftAndEveryoneTheSummary() {
		StringWriter terminal = new StringWriter();
		Progress bar = new Progress(new PrintWriter(terminal), "imported", 2 * 1024 * 1024, true);
		bar.add(2 * 1024 * 1024);
		bar.finish();
		assertThat(terminal.toString()).contains("2.0 MiB / 2.0 MiB  100%", "0:00 left", "imported 2.0 MiB");

		StringWriter pipe = new StringWriter();
		Progress quiet = new Progress(new PrintWriter(pipe), "exported", 100, false);
		quiet.add(100);
		quiet.finish();
		assertThat(pipe.toString()).doesNotContain("left").startsWith("exported ");
	}

}
