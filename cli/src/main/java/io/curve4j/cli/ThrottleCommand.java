package io.curve4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.sdk.block.CurveClient;
import io.curve4j.sdk.block.FileStat;
import io.curve4j.sdk.block.Throttle;
import io.curve4j.sdk.cluster.MdsRestApi;

/**
 * {@code curve volume throttle PATH [limits] [--clear]}: a volume's QoS limits. Without
 * limits it shows them; the limits given replace the volume's (those not given are
 * removed); {@code --clear} removes all. Clients that have the volume open apply a change
 * at their next session refresh.
 */
@Command(name = "throttle", mixinStandardHelpOptions = true,
		description = { "Show or set a volume's QoS limits (enforced by every client that opens it).",
				"Without limit options: show them. The limits given replace the volume's." })
final class ThrottleCommand extends VolumeCommand.Base {

	@Parameters(paramLabel = "PATH")
	String path;

	@Option(names = "--iops", paramLabel = "N", description = "I/O operations per second, reads and writes together.")
	Long iops;

	@Option(names = "--read-iops", paramLabel = "N", description = "Reads per second.")
	Long readIops;

	@Option(names = "--write-iops", paramLabel = "N", description = "Writes per second.")
	Long writeIops;

	@Option(names = "--bps", paramLabel = "SIZE", converter = SizeConverter.class,
			description = "Bytes per second, reads and writes together, e.g. 100MiB.")
	Long bps;

	@Option(names = "--read-bps", paramLabel = "SIZE", converter = SizeConverter.class, description = "Bytes read per second.")
	Long readBps;

	@Option(names = "--write-bps", paramLabel = "SIZE", converter = SizeConverter.class,
			description = "Bytes written per second.")
	Long writeBps;

	@Option(names = "--burst", paramLabel = "DURATION", converter = BurstConverter.class,
			description = "How much of each limit an idle volume saves up and may spend at once, as time at the limit: "
					+ "e.g. 100ms (the default), 2s; at most 60s.")
	Long burstMs;

	@Option(names = "--clear", description = "Remove every limit.")
	boolean clear;

	@Mixin
	OutputOptions output;

	@Override
	void validate() {
		if (this.clear && (hasLimits() || this.burstMs != null)) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "--clear takes no limits");
		}
	}

	@Override
	int run(CurveClient client, PrintWriter out) {
		FileStat volume = client.stat(this.path);
		if (volume.isDirectory()) {
			throw new CurveException(ErrorCode.NOT_A_VOLUME, this.path + " is a directory; only volumes have limits");
		}
		// JSON is the volume's limits after the command, whether it showed, set or cleared them
		if (this.clear) {
			this.cluster.rest().clearThrottle(volume.id());
			this.output.print(out, Throttle.NONE, (text) -> text.println("Removed every limit of " + this.path + "."));
			return 0;
		}
		if (!hasLimits() && this.burstMs == null) {
			this.output.print(out, volume.throttle(), (text) -> show(volume.throttle(), text));
			return 0;
		}
		MdsRestApi.ThrottleLimits set = this.cluster.rest()
			.setThrottle(volume.id(), new MdsRestApi.ThrottleLimits(this.iops, this.readIops, this.writeIops, this.bps,
					this.readBps, this.writeBps, this.burstMs));
		Throttle now = new Throttle(value(set.iops()), value(set.readIops()), value(set.writeIops()), value(set.bps()),
				value(set.readBps()), value(set.writeBps()), (int) value(set.burstMs()));
		this.output.print(out, now, (text) -> {
			text.println("Set the limits of " + this.path + ":");
			show(now, text);
		});
		return 0;
	}

	private boolean hasLimits() {
		return this.iops != null || this.readIops != null || this.writeIops != null || this.bps != null
				|| this.readBps != null || this.writeBps != null;
	}

	private void show(Throttle t, PrintWriter out) {
		if (t.isNone()) {
			out.println(this.path + " has no limits.");
			return;
		}
		Table table = new Table("LIMIT", "TOTAL", "READ", "WRITE");
		table.row("iops", count(t.iops()), count(t.readIops()), count(t.writeIops()));
		table.row("bytes/s", bytes(t.bps()), bytes(t.readBps()), bytes(t.writeBps()));
		table.print(out, "");
		out.println("burst: " + t.burstMs() + "ms");
	}

	/** One line for {@code volume info}: the limits set, or "none". */
	static String summary(Throttle t) {
		if (t.isNone()) {
			return "none";
		}
		StringBuilder line = new StringBuilder();
		String[] names = { "iops", "read iops", "write iops" };
		long[] counts = { t.iops(), t.readIops(), t.writeIops() };
		long[] rates = { t.bps(), t.readBps(), t.writeBps() };
		for (int i = 0; i < 3; i++) {
			if (counts[i] > 0) {
				line.append(names[i]).append(' ').append(counts[i]).append(", ");
			}
		}
		for (int i = 0; i < 3; i++) {
			if (rates[i] > 0) {
				line.append(names[i].replace("iops", "bytes")).append(' ').append(bytes(rates[i])).append(", ");
			}
		}
		return line.append("burst ").append(t.burstMs()).append("ms").toString();
	}

	private static String count(long limit) {
		return limit == 0 ? "-" : Long.toString(limit);
	}

	private static String bytes(long limit) {
		return limit == 0 ? "-" : Sizes.format(limit) + "/s";
	}

	private static long value(Long limit) {
		return limit == null ? 0 : limit;
	}

	/** {@code 250ms}, {@code 2s}, or milliseconds. */
	static final class BurstConverter implements ITypeConverter<Long> {

		private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s)?");

		@Override
		public Long convert(String value) {
			Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
			if (!m.matches()) {
				throw new TypeConversionException("'" + value + "' is not a duration such as 100ms or 2s");
			}
			long n = Long.parseLong(m.group(1));
			return "s".equals(m.group(2)) ? n * 1000 : n;
		}

	}

}
