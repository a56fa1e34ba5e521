package io.curve4j.fs.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.curve4j.objectstore.SnapshotStore;
import io.curve4j.objectstore.filedata.BlockNames;
import io.curve4j.proto.fs.v1.PartitionInfo;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.ListInodesRequest;
import io.curve4j.proto.metaserver.v1.ListInodesResponse;

/**
 * Compares a file system's objects in the store with what its metadata references:
 * objects no piece and no retired piece names (garbage: uploads that never reached the
 * metadata, compactions cut short, until the metaservers' sweep takes them), and objects
 * a current piece names that the store does not have (lost data). The store is listed
 * before the inodes are read and every finding is checked once more, so writes and
 * deletions running meanwhile are not reported.
 */
public final class FsCheck {

	/** Inodes per ListInodes page. */
	static final int PAGE = 1000;

	/** An object no metadata references, and how long ago it was last written. */
	public record Unreferenced(String key, Duration age) {
	}

	/**
	 * @param objects objects of the file system in the store
	 * @param inodes inodes read
	 * @param retired objects of retired pieces (deleted after the grace period)
	 * @param pending objects of pieces a write-back client has not uploaded yet (not in the store: not missing)
	 */
	public record Report(int objects, int inodes, int retired, int pending, List<Unreferenced> unreferenced,
			List<String> missing) {

		public boolean clean() {
			return this.unreferenced.isEmpty() && this.missing.isEmpty();
		}

	}

	private FsCheck() {
	}

	public static Report run(FsMount mount, MetaClient meta, SnapshotStore store) {
		String keyPrefix = mount.objectStore().getKeyPrefix();
		BlockNames names = new BlockNames(keyPrefix, mount.fs().getBlockSize());
		Map<String, Instant> listed = new HashMap<>();
		for (SnapshotStore.Listed object : store.list(BlockNames.fsPrefix(keyPrefix, mount.fsId()))) {
			listed.put(object.key(), object.lastModified());
		}
		Set<String> current = new HashSet<>();
		Set<String> retired = new HashSet<>();
		Set<String> pending = new HashSet<>();
		int inodes = 0;
		for (PartitionInfo partition : mount.refreshPartitions()) {
			long after = 0;
			List<Inode> page;
			do {
				long from = after;
				page = meta.<ListInodesResponse>call(partition.getPartitionId(), "list inodes", true, (stub, ref, o) -> stub
					.listInodes(ListInodesRequest.newBuilder().setPartition(ref).setStartAfter(from).setLimit(PAGE).build(), o))
					.getInodesList();
				for (Inode inode : page) {
					after = inode.getInodeId();
					inodes++;
					current.addAll(names.pieceKeys(inode));
					retired.addAll(names.retiredKeys(inode, Long.MAX_VALUE));
					pending.addAll(names.pendingKeys(inode));
				}
			}
			while (page.size() == PAGE);
		}
		Instant now = Instant.now();
		List<Unreferenced> unreferenced = new ArrayList<>();
		listed.forEach((key, modified) -> {
			// still there once the inodes are read: not deleted by a collector meanwhile
			if (!current.contains(key) && !retired.contains(key) && store.exists(key)) {
				unreferenced.add(new Unreferenced(key, Duration.between(modified, now)));
			}
		});
		List<String> missing = new ArrayList<>();
		for (String key : current) {
			// written after the listing, or really gone
			if (!listed.containsKey(key) && !pending.contains(key) && !store.exists(key)) {
				missing.add(key);
			}
		}
		unreferenced.sort((a, b) -> a.key().compareTo(b.key()));
		missing.sort(String::compareTo);
		int retiredInStore = (int) retired.stream().filter(listed::containsKey).count();
		int pendingUpload = (int) pending.stream().filter(key -> !listed.containsKey(key)).count();
		return new Report(listed.size(), inodes, retiredInStore, pendingUpload, unreferenced, missing);
	}

}
