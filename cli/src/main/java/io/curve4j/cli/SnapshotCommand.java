package io.curve4j.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.size.Sizes;
import io.curve4j.sdk.cluster.MdsRestApi;
import io.curve4j.sdk.cluster.MdsRestApi.Snapshot;

/**
 * {@code curve snapshot create|list|delete}: a snapshot fixes a volume's content at one
 * point in time in the cluster (copy-on-write), then the snapshot service copies it to
 * the object store. Snapshots are named per volume and written {@code PATH@NAME}.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true, description = "Snapshots of volumes.",
		subcommands = { SnapshotCommand.Create.class, SnapshotCommand.ListSnapshots.class,
				SnapshotCommand.Delete.class })
final class SnapshotCommand {

	/** How often {@code --wait} asks how far the copy (or a clone's flatten) got. */
	private static final Duration POLL = Duration.ofMillis(500);

	@Command(name = "create", mixinStandardHelpOptions = true,
			description = "Take a snapshot of the volume at PATH. Returns once the point in time is fixed: every write "
					+ "acknowledged before is in it, none started after; with --wait, once it is in the object store.")
	static final class Create extends RestSubcommand {

		@Parameters(paramLabel = "PATH")
		String path;

		@Option(names = "--name", required = true, description = "Its name, unique per volume: letters, digits, '.', '_', '-'.")
		String name;

		@Option(names = "--wait", description = "Wait until the snapshot is in the object store, showing the progress.")
		boolean await;

		@Override
		void run(MdsRestApi rest, PrintWriter out) {
			Snapshot taken = rest.createSnapshot(new MdsRestApi.NewSnapshot(this.path, this.name));
			out.println("Snapshot " + label(taken) + " taken (sequence " + taken.seq() + ").");
			if (this.await) {
				out.flush();
				Snapshot done = awaitCopy(rest, taken, new Progress(out, "Snapshot of", taken.size(), System.console() != null));
				out.println("Snapshot " + label(done) + " is in the object store.");
			}
		}

	}

	@Command(name = "list", mixinStandardHelpOptions = true,
			description = "List the snapshots of the volume at PATH: name, status, progress, size, when taken.")
	static final class ListSnapshots extends RestSubcommand {

		@Parameters(paramLabel = "PATH")
		String path;

		@Mixin
		OutputOptions output;

		@Override
		void run(MdsRestApi rest, PrintWriter out) {
			List<Snapshot> snapshots = MdsRestApi.Page.all((page) -> rest.snapshots(this.path, null, page, 1000));
			this.output.print(out, snapshots, (text) -> print(snapshots, text));
		}

		private void print(List<Snapshot> snapshots, PrintWriter out) {
			if (snapshots.isEmpty()) {
				out.println("No snapshots of " + this.path + ".");
				return;
			}
			Table table = new Table("NAME", "STATUS", "PROGRESS", "SIZE", "CREATED");
			for (Snapshot s : snapshots) {
				table.row(s.name(), s.status(), s.progress() + "%", Sizes.format(s.size()), time(s.created()));
			}
			table.print(out, "");
		}

	}

	@Command(name = "delete", mixinStandardHelpOptions = true,
			description = "Delete the snapshot PATH@NAME: its objects are removed in the background (a snapshot still "
					+ "being copied stops).")
	static final class Delete extends RestSubcommand {

		@Parameters(paramLabel = "PATH@NAME")
		String snapshot;

		@Override
		void run(MdsRestApi rest, PrintWriter out) {
			Snapshot deleted = rest.deleteSnapshot(find(rest, this.snapshot).id());
			out.println("Deleting snapshot " + label(deleted) + ".");
		}

	}

	/** The snapshot PATH@NAME names; SNAPSHOT_NOT_FOUND when the volume has none of that name. */
	static Snapshot find(MdsRestApi rest, String pathAtName) {
		int at = pathAtName.lastIndexOf('@');
		if (at <= 0 || at == pathAtName.length() - 1) {
			throw new CurveException(ErrorCode.INVALID_SNAPSHOT_NAME,
					"'" + pathAtName + "' does not name a snapshot: write PATH@NAME, e.g. /vol1@nightly");
		}
		String path = pathAtName.substring(0, at);
		String name = pathAtName.substring(at + 1);
		return rest.snapshots(path, name, 0, 1)
			.content()
			.stream()
			.findFirst()
			.orElseThrow(() -> new CurveException(ErrorCode.SNAPSHOT_NOT_FOUND, path + " has no snapshot named " + name));
	}

	/**
	 * Polls the snapshot until it is DONE, drawing its progress; an ERROR or a deletion
	 * meanwhile fails with the reason.
	 */
	static Snapshot awaitCopy(MdsRestApi rest, Snapshot snapshot, Progress progress) {
		long shown = 0;
		Snapshot now = snapshot;
		while (true) {
			long copied = now.size() * now.progress() / 100;
			if (copied > shown) {
				progress.add(copied - shown);
				shown = copied;
			}
			switch (now.status()) {
				case "DONE" -> {
					progress.add(now.size() - shown);
					progress.finish();
					return now;
				}
				case "ERROR" -> throw new CurveException(ErrorCode.INTERNAL,
						"snapshot " + label(now) + " failed: " + now.error());
				case "DELETING" -> throw new CurveException(ErrorCode.SNAPSHOT_NOT_FOUND,
						"snapshot " + label(now) + " was deleted while it was being copied");
				default -> sleep();
			}
			now = rest.snapshot(now.id());
		}
	}

	/** One poll interval of a {@code --wait}. */
	static void sleep() {
		try {
			Thread.sleep(POLL.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CurveException(ErrorCode.UNAVAILABLE, "interrupted while waiting");
		}
	}

	private static String label(Snapshot snapshot) {
		return snapshot.volume() + "@" + snapshot.name();
	}

}
