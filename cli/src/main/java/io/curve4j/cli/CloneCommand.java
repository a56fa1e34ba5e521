package io.curve4j.cli;

import java.io.PrintWriter;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.curve4j.sdk.cluster.MdsRestApi;
import io.curve4j.sdk.cluster.MdsRestApi.CloneLink;
import io.curve4j.sdk.cluster.MdsRestApi.Volume;

/**
 * {@code curve clone SOURCE NEWPATH [--lazy]}: a new volume that reads its source
 * snapshot until it is written or flattened. The source is a snapshot {@code PATH@NAME}
 * in the object store, or a volume {@code PATH} (the MDS snapshots it for the clone).
 */
@Command(name = "clone", mixinStandardHelpOptions = true,
		description = "Make a volume at NEWPATH from the snapshot PATH@NAME, or from the volume PATH as it is now. "
				+ "Without --lazy, waits until the clone holds all its data (flattened), showing the progress; with "
				+ "--lazy, returns once the clone can be used: it reads its source until 'curve flatten'.")
final class CloneCommand extends RestSubcommand {

	@Parameters(index = "0", paramLabel = "PATH[@NAME]")
	String source;

	@Parameters(index = "1", paramLabel = "NEWPATH")
	String path;

	@Option(names = "--lazy", description = "Do not copy the source: the clone reads it until flattened.")
	boolean lazy;

	@Override
	void run(MdsRestApi rest, PrintWriter out) {
		Volume clone = rest.createClone(new MdsRestApi.NewClone(this.source, this.path, this.lazy));
		out.println("Cloned " + this.source + " to " + clone.path() + ".");
		out.flush();
		clone = awaitSource(rest, clone, out);
		if (this.lazy) {
			out.println(clone.path() + " is ready; it reads " + source(clone.cloneLink()) + " until flattened ('curve flatten "
					+ clone.path() + "').");
			return;
		}
		awaitFlattened(rest, clone, out);
	}

	/**
	 * Waits until a clone of a volume can be opened: the snapshot taken for it is copied
	 * (drawing that copy's progress) and the MDS has let the clone go.
	 */
	static Volume awaitSource(MdsRestApi rest, Volume clone, PrintWriter out) {
		Volume now = clone;
		boolean copied = false;
		while (now.cloneLink() != null && "WAITING_FOR_SOURCE".equals(now.cloneLink().status())) {
			if (!copied) {
				MdsRestApi.Snapshot snapshot = rest.snapshot(now.cloneLink().snapshotId());
				SnapshotCommand.awaitCopy(rest, snapshot,
						new Progress(out, "Source snapshot", snapshot.size(), System.console() != null));
				copied = true;
			}
			else {
				SnapshotCommand.sleep();
			}
			now = rest.volume(now.path());
		}
		return now;
	}

	/** Polls the clone until its link to the source is gone, drawing how many of its chunks are flattened. */
	static void awaitFlattened(MdsRestApi rest, Volume clone, PrintWriter out) {
		Volume now = awaitSource(rest, clone, out);
		if (now.cloneLink() == null) {
			out.println(now.path() + " is flattened.");
			return;
		}
		String from = source(now.cloneLink());
		long total = now.cloneLink().sourceChunks() * now.chunkSize();
		Progress progress = new Progress(out, "Flattened", total, System.console() != null);
		long shown = 0;
		while (now.cloneLink() != null) {
			long flattened = now.cloneLink().nextChunk() * now.chunkSize();
			if (flattened > shown) {
				progress.add(flattened - shown);
				shown = flattened;
			}
			SnapshotCommand.sleep();
			now = rest.volume(now.path());
		}
		progress.add(total - shown);
		progress.finish();
		out.println(now.path() + " is flattened: it no longer reads " + from + ".");
	}

	static String source(CloneLink link) {
		return link.sourcePath() + "@" + link.snapshotName();
	}

	@Command(name = "flatten", mixinStandardHelpOptions = true,
			description = "Copy into the clone PATH what it still reads from its source, in the background: afterwards "
					+ "the source snapshot and volume can be deleted. With --wait, waits until done, showing the progress.")
	static final class Flatten extends RestSubcommand {

		@Parameters(paramLabel = "PATH")
		String path;

		@Option(names = "--wait", description = "Wait until the clone is flattened, showing the progress.")
		boolean await;

		@Override
		void run(MdsRestApi rest, PrintWriter out) {
			Volume clone = rest.flatten(new MdsRestApi.PathBody(this.path));
			if (clone.cloneLink() == null) {
				out.println(clone.path() + " is flattened.");
				return;
			}
			out.println("Flattening " + clone.path() + " (it reads " + source(clone.cloneLink()) + " until done).");
			if (this.await) {
				out.flush();
				awaitFlattened(rest, clone, out);
			}
		}

	}

}
