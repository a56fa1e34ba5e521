package io.curve4j.mds.snapshot;

import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Component;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.auth.Caller;
import io.curve4j.mds.namespace.CloneLinks;
import io.curve4j.mds.namespace.NamespaceCommands;
import io.curve4j.mds.raft.MdsCommandHandler;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsTx;
import io.curve4j.mds.topology.Geometry;
import io.curve4j.proto.mds.v1.CloneInfo;
import io.curve4j.proto.mds.v1.CloneRecord;
import io.curve4j.proto.mds.v1.CloneStatus;
import io.curve4j.proto.mds.v1.CreateCloneCommand;
import io.curve4j.proto.mds.v1.CreateFileCommand;
import io.curve4j.proto.mds.v1.FileRecord;
import io.curve4j.proto.mds.v1.FileType;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.SnapshotInfo;
import io.curve4j.proto.mds.v1.SnapshotStatus;

/**
 * Applies the clones' commands. A clone's volume and its link are made in one entry, and
 * for a clone of a volume the source snapshot too (the volume's seq raise with it), so no
 * member holds a clone without its source. The link ends in one entry with the flatten,
 * together with the delete of a snapshot taken only for the clone.
 */
@Component
class CloneCommands implements MdsCommandHandler {

	/** A clone made: its volume, and the snapshot taken of the source volume for it (null from a snapshot). */
	record Cloned(FileRecord volume, SnapshotInfo snapshot) {
	}

	@Override
	public Set<MdsCommand.CommandCase> commands() {
		return Set.of(MdsCommand.CommandCase.CREATE_CLONE, MdsCommand.CommandCase.FLATTEN_CLONE,
				MdsCommand.CommandCase.FLATTEN_PROGRESS, MdsCommand.CommandCase.FINISH_FLATTEN);
	}

	@Override
	public Object apply(MdsCommand command, MdsTx tx) {
		return switch (command.getCommandCase()) {
			case CREATE_CLONE -> create(command.getCreateClone(), tx);
			case FLATTEN_CLONE -> flatten(command.getFlattenClone().getFileId(), command.getFlattenClone().getCaller(),
					tx);
			case FLATTEN_PROGRESS -> progress(command.getFlattenProgress().getFileId(),
					command.getFlattenProgress().getNextChunk(), tx);
			case FINISH_FLATTEN -> finish(command.getFinishFlatten().getFileId(), tx);
			default -> throw new IllegalArgumentException(command.getCommandCase().name());
		};
	}

	private static Cloned create(CreateCloneCommand command, MdsTx tx) {
		boolean fromVolume = command.hasSnapshot();
		long length;
		int chunkSize;
		SnapshotInfo source = null;
		if (fromVolume) {
			FileRecord volume = tx.get(MdsSchema.FILES, command.getSnapshot().getFileId())
				.filter(f -> f.getType() == FileType.VOLUME && !f.hasRecycle())
				.orElseThrow(() -> new CurveException(ErrorCode.VOLUME_NOT_FOUND,
						"volume " + command.getSourcePath() + " no longer exists"));
			length = volume.getLength();
			chunkSize = Geometry.of(volume).chunkSize();
		}
		else {
			source = SnapshotRecords.require(tx, command.getSourceSnapshotId());
			if (!command.getCaller().isEmpty()) {
				new Caller(command.getCaller()).requireOwner(source.getOwner(), "snapshot " + source.getId());
			}
			if (source.getStatus() != SnapshotStatus.DONE) {
				throw notReady(source);
			}
			length = source.getLength();
			chunkSize = source.getChunkSize();
		}
		int poolChunkSize = Geometry.forNewVolumes(tx).chunkSize();
		if (poolChunkSize != chunkSize) {
			// chunk i of the clone reads chunk i of the source: both must cut the volume alike
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "the source has chunks of " + chunkSize
					+ " bytes, new volumes of this cluster " + poolChunkSize + "; it cannot be cloned here");
		}
		CreateFileCommand file = CreateFileCommand.newBuilder()
			.setPath(command.getPath())
			.setType(FileType.VOLUME)
			.setLength(length)
			.setOwner(command.getCaller().isEmpty() ? Caller.ROOT.name() : command.getCaller())
			.setCtimeMs(command.getNowMs())
			.setCaller(command.getCaller())
			.build();
		FileRecord volume = NamespaceCommands.create(file, tx);
		SnapshotInfo taken = null;
		if (fromVolume) {
			// named after the clone, whose id this entry just drew
			taken = SnapshotCommands.create(command.getSnapshot().toBuilder().setName("clone-" + volume.getId()).build(),
					tx);
			source = taken;
		}
		CloneStatus status = fromVolume ? CloneStatus.WAITING_FOR_SOURCE
				: command.getLazy() ? CloneStatus.LAZY : CloneStatus.FLATTENING;
		FileRecord clone = volume.toBuilder()
			.setClone(CloneRecord.newBuilder()
				.setInfo(CloneInfo.newBuilder()
					.setSourceVolumeId(source.getVolumeId())
					.setSourcePath(command.getSourcePath())
					.setSnapshotId(source.getId())
					.setSnapshotName(source.getName())
					.setStatus(status)
					.setSourceChunks(SnapshotRecords.chunkCount(source))
					.setCreatedMs(command.getNowMs()))
				.setSnapshotForClone(fromVolume)
				.setFlattenWhenReady(fromVolume && !command.getLazy()))
			.build();
		tx.put(MdsSchema.FILES, clone.getId(), clone);
		return new Cloned(clone, taken);
	}

	/** The clones waiting for this snapshot, now DONE, become LAZY or FLATTENING (in the snapshot's entry). */
	static void sourceReady(String snapshotId, MdsTx tx) {
		CloneLinks.linked(tx)
			.filter(f -> f.getClone().getInfo().getSnapshotId().equals(snapshotId)
					&& f.getClone().getInfo().getStatus() == CloneStatus.WAITING_FOR_SOURCE)
			.toList()
			.forEach(f -> {
				CloneRecord link = f.getClone();
				CloneStatus status = link.getFlattenWhenReady() ? CloneStatus.FLATTENING : CloneStatus.LAZY;
				tx.put(MdsSchema.FILES, f.getId(), f.toBuilder()
					.setClone(link.toBuilder()
						.setInfo(link.getInfo().toBuilder().setStatus(status))
						.setFlattenWhenReady(false))
					.build());
			});
	}

	/** LAZY becomes FLATTENING; FLATTENING stays (a repeated call); WAITING_FOR_SOURCE flattens once ready. */
	private static FileRecord flatten(long fileId, String caller, MdsTx tx) {
		FileRecord volume = tx.get(MdsSchema.FILES, fileId)
			.filter(f -> f.getType() == FileType.VOLUME && !f.hasRecycle())
			.orElseThrow(() -> new CurveException(ErrorCode.VOLUME_NOT_FOUND, "no volume with id " + fileId));
		if (!caller.isEmpty()) {
			new Caller(caller).requireOwner(volume.getOwner(), "volume " + fileId);
		}
		if (!volume.hasClone()) {
			throw new CurveException(ErrorCode.NOT_A_CLONE,
					"volume " + fileId + " is not a clone that reads a source (never was one, or is flattened already)");
		}
		CloneRecord link = volume.getClone();
		CloneRecord updated = switch (link.getInfo().getStatus()) {
			case LAZY -> link.toBuilder().setInfo(link.getInfo().toBuilder().setStatus(CloneStatus.FLATTENING)).build();
			case WAITING_FOR_SOURCE -> link.toBuilder().setFlattenWhenReady(true).build();
			default -> link;
		};
		if (updated.equals(link)) {
			return volume;
		}
		FileRecord flattening = volume.toBuilder().setClone(updated).build();
		tx.put(MdsSchema.FILES, fileId, flattening);
		return flattening;
	}

	/**
	 * Raises a FLATTENING clone's next chunk; empty when the clone is gone, in the recycle
	 * bin or no longer FLATTENING (the flatten stops).
	 */
	private static Optional<FileRecord> progress(long fileId, long nextChunk, MdsTx tx) {
		Optional<FileRecord> volume = tx.get(MdsSchema.FILES, fileId)
			.filter(f -> !f.hasRecycle() && f.hasClone()
					&& f.getClone().getInfo().getStatus() == CloneStatus.FLATTENING);
		if (volume.isEmpty()) {
			return volume;
		}
		CloneInfo info = volume.get().getClone().getInfo();
		if (nextChunk > info.getSourceChunks()) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "clone " + fileId + " reads " + info.getSourceChunks()
					+ " chunks of its source; next_chunk " + nextChunk + " is past their end");
		}
		if (nextChunk <= info.getNextChunk()) {
			return volume;
		}
		FileRecord advanced = volume.get()
			.toBuilder()
			.setClone(volume.get().getClone().toBuilder().setInfo(info.toBuilder().setNextChunk(nextChunk)))
			.build();
		tx.put(MdsSchema.FILES, fileId, advanced);
		return Optional.of(advanced);
	}

	/**
	 * Ends a FLATTENING clone's link; a volume no longer linked is answered as it is (a
	 * repeated call). A snapshot taken for the clone that no other linked clone reads
	 * becomes DELETING.
	 */
	private static FileRecord finish(long fileId, MdsTx tx) {
		FileRecord volume = tx.get(MdsSchema.FILES, fileId)
			.orElseThrow(() -> new CurveException(ErrorCode.VOLUME_NOT_FOUND, "no volume with id " + fileId));
		if (!volume.hasClone()) {
			return volume;
		}
		CloneRecord link = volume.getClone();
		if (link.getInfo().getStatus() != CloneStatus.FLATTENING) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "clone " + fileId + " is "
					+ link.getInfo().getStatus() + ", not FLATTENING; only a clone being flattened is finished");
		}
		FileRecord flattened = volume.toBuilder().clearClone().build();
		tx.put(MdsSchema.FILES, fileId, flattened);
		String snapshotId = link.getInfo().getSnapshotId();
		if (link.getSnapshotForClone() && !CloneLinks.readSnapshot(tx, snapshotId, fileId)) {
			tx.get(MdsSchema.SNAPSHOTS, snapshotId)
				.filter(s -> s.getStatus() != SnapshotStatus.DELETING)
				.ifPresent(s -> tx.put(MdsSchema.SNAPSHOTS, snapshotId,
						s.toBuilder().setStatus(SnapshotStatus.DELETING).build()));
		}
		return flattened;
	}

	static CurveException notReady(SnapshotInfo snapshot) {
		return new CurveException(ErrorCode.SNAPSHOT_NOT_READY, "snapshot '" + snapshot.getName() + "' of "
				+ snapshot.getVolumePath() + " is " + snapshot.getStatus()
				+ ", not DONE; a clone reads only a snapshot whole in the object store");
	}

}
