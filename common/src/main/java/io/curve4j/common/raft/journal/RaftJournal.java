package io.curve4j.common.raft.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.common.raft.journal.GroupLog.Location;
import io.curve4j.common.raft.journal.JournalRecord.Header;
import io.curve4j.common.raft.journal.JournalRecord.Kind;

/**
 * The Raft log of every group of a process (or of one disk), in one journal of segment
 * files: records of all groups interleaved, written by one thread that takes every append
 * queued while its last sync ran and writes them with one positional write and one
 * {@code fdatasync} (group commit), then tells each caller how many of its records are
 * durable. Segments are made zeroed ahead of use in the background, and reused once no
 * group needs a record in them. On open the journal is read from its oldest segment:
 * each group's entries are indexed again, a torn last batch is cut (and its leftovers
 * zeroed), and damage anywhere else fails the open.
 */
public final class RaftJournal implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(RaftJournal.class);

	public static final int DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

	/** A write round stops taking queued appends past this many bytes. */
	private static final int ROUND_BYTES = 8 * 1024 * 1024;

	private static final Write STOP = new Write(null, List.of());

	private final Path dir;

	private final int segmentBytes;

	private final int maxSegments;

	private final LongConsumer syncNanos;

	private final Map<Long, GroupLog> groups = new ConcurrentHashMap<>();

	/** Every segment file: those in use, the active one and the one made ahead. */
	private final ConcurrentSkipListMap<Integer, JournalSegment> segments = new ConcurrentSkipListMap<>();

	private final BlockingQueue<Write> queue = new LinkedBlockingQueue<>();

	private final ExecutorService allocator;

	private final Thread writer;

	/** The segment being written; changed by the writer only, after applying what it wrote before. */
	private volatile JournalSegment active;

	/** Set when a write or sync failed: what the disk holds is unknown, nothing more is written. */
	private volatile IOException failure;

	/** Set by the allocator: groups with no entry whose last marker is in an older segment write it again. */
	private volatile int rewriteMarkersBefore;

	private volatile boolean closed;

	// the writer's own state

	private int position;

	private long nextBatch;

	private Future<JournalSegment> nextSegment;

	private ByteBuffer buffer = ByteBuffer.allocateDirect(1024 * 1024);

	private RaftJournal(Path dir, int segmentBytes, int maxSegments, LongConsumer syncNanos) {
		this.dir = dir;
		this.syncNanos = syncNanos;
		this.segmentBytes = segmentBytes;
		this.maxSegments = maxSegments;
		this.allocator = Executors.newSingleThreadExecutor(r -> {
			Thread t = new Thread(r, "raft-journal-allocator");
			t.setDaemon(true);
			return t;
		});
		this.writer = new Thread(this::runWriter, "raft-journal-writer");
		this.writer.setDaemon(true);
	}

	/** The journal in dir with 64 MiB segments and no bound but the disk's. */
	public static RaftJournal open(Path dir, LongConsumer syncNanos) throws IOException {
		return open(dir, DEFAULT_SEGMENT_BYTES, Integer.MAX_VALUE, syncNanos);
	}

	/**
	 * The journal in dir, recovered, made if there is none.
	 * @param segmentBytes length of each segment file, a multiple of 4 KiB
	 * @param maxSegments the most segment files the journal may have: once they are all
	 * needed, appends fail as on a full disk
	 * @param syncNanos told how long each batch's write and fsync took (on the writer
	 * thread: it must be quick)
	 */
	public static RaftJournal open(Path dir, int segmentBytes, int maxSegments, LongConsumer syncNanos)
			throws IOException {
		if (segmentBytes < 4 * JournalRecord.BATCH_ALIGNMENT || segmentBytes % JournalRecord.BATCH_ALIGNMENT != 0) {
			throw new IllegalArgumentException("a segment is a multiple of 4 KiB, 16 KiB at least: " + segmentBytes);
		}
		if (maxSegments < 2) {
			throw new IllegalArgumentException("a journal needs 2 segments at least: " + maxSegments);
		}
		Files.createDirectories(dir);
		RaftJournal journal = new RaftJournal(dir, segmentBytes, maxSegments, syncNanos);
		try {
			journal.recover();
		}
		catch (IOException | RuntimeException ex) {
			journal.closeFiles();
			journal.allocator.shutdownNow();
			throw ex;
		}
		log.info("Raft journal in {}: {} segment(s), the logs of {} group(s), writing {} at {}", dir,
				journal.segments.size(), journal.groups.size(), journal.active.path().getFileName(), journal.position);
		journal.nextSegment = journal.allocator.submit(() -> journal.prepare(journal.active.sequence() + 1));
		journal.writer.start();
		return journal;
	}

	/** The group's log, rebuilt from the journal; fails if it is open already. */
	GroupLog openGroup(String groupId) {
		GroupLog group = this.groups.computeIfAbsent(key(groupId), GroupLog::new);
		if (!group.open(groupId)) {
			throw new IllegalStateException("the Raft log of " + groupId + " is open already (or another group's "
					+ "id has the same key)");
		}
		return group;
	}

	/**
	 * Forgets the log of a group that is gone (not open), so that its records hold no
	 * segment any more; returns once that is durable, false if it could not be written.
	 * Opening the group again starts an empty log.
	 */
	public boolean dropGroup(String groupId) {
		GroupLog group = this.groups.get(key(groupId));
		if (group == null) {
			return true;
		}
		if (group.isOpen()) {
			throw new IllegalStateException("the Raft log of " + groupId + " is open");
		}
		return write(group, List.of(JournalRecord.marker(Kind.DROP, 0))) == 1;
	}

	/**
	 * Appends records of group and waits until they are durable (their changes to the
	 * group's log applied).
	 * @return how many of them are: all, or the first ones only when the journal is full,
	 * failed or closed
	 */
	int write(GroupLog group, List<JournalRecord> records) {
		if (this.closed || this.failure != null) {
			return 0;
		}
		Write write = new Write(group, records);
		this.queue.add(write);
		if (this.closed && this.queue.remove(write)) {
			// close() may have drained the queue before this write was in it
			write.done.complete(0);
		}
		try {
			return write.done.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 0;
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("the journal's writer failed", ex.getCause());
		}
	}

	/**
	 * The payload of the entry at location, checked against its record; null when the
	 * record is gone (the entry dropped meanwhile) or cannot be read.
	 * @throws JournalCorruptedException when the entry is still live and its record fails
	 */
	byte[] read(GroupLog group, Location location) {
		ByteBuffer data;
		try {
			data = location.segment().read(location.offset(), JournalRecord.HEADER_BYTES + location.payloadLength());
		}
		catch (IOException ex) {
			log.error("cannot read entry {} of the Raft journal in {}", location.index(), this.dir, ex);
			return null;
		}
		Header header = Header.read(data, 0, location.segment().sequence());
		if (header == null || header.kind() != Kind.ENTRY || header.groupKey() != group.key()
				|| header.index() != location.index() || header.payloadLength() != location.payloadLength()) {
			if (group.location(location.index()) == location) {
				throw new JournalCorruptedException("the record of entry " + location.index() + " at "
						+ location.segment().path() + ":" + location.offset() + " fails its checks");
			}
			return null;
		}
		byte[] payload = new byte[location.payloadLength()];
		data.get(JournalRecord.HEADER_BYTES, payload);
		return payload;
	}

	/** The 64-bit key of a group in its records: the first bytes of its id's SHA-256. */
	static long key(String groupId) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(groupId.getBytes(StandardCharsets.UTF_8));
			return ByteBuffer.wrap(digest).getLong();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-256", ex);
		}
	}

	/** Stops the writer (appends queued before complete, later ones fail) and closes the files. */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.queue.add(STOP);
		try {
			this.writer.join(TimeUnit.SECONDS.toMillis(30));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		for (Write left; (left = this.queue.poll()) != null;) {
			left.done.complete(0);
		}
		this.allocator.shutdown();
		try {
			this.allocator.awaitTermination(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		closeFiles();
	}

	private void closeFiles() {
		for (JournalSegment segment : this.segments.values()) {
			try {
				segment.close();
			}
			catch (IOException ex) {
				log.warn("cannot close {}", segment.path(), ex);
			}
		}
	}

	// ---- recovery

	/**
	 * Reads every segment in order, applying each batch to its groups once the whole batch
	 * checks out. The log ends where no record continues it; what follows there must be
	 * the rest of the batch that was being written (a torn tail: cut with that whole batch,
	 * never acknowledged, and its leftovers zeroed) and nothing of a later batch (which
	 * would mean acknowledged records were lost: the open fails).
	 */
	private void recover() throws IOException {
		try (Stream<Path> files = Files.list(this.dir)) {
			for (Path file : files.toList()) {
				if (file.getFileName().toString().endsWith(".tmp")) {
					Files.delete(file);
				}
				else if (JournalSegment.sequenceOf(file) >= 0) {
					int sequence = JournalSegment.sequenceOf(file);
					this.segments.put(sequence, JournalSegment.open(this.dir, sequence));
				}
			}
		}
		if (this.segments.isEmpty()) {
			this.active = JournalSegment.create(this.dir, 1, this.segmentBytes);
			this.segments.put(1, this.active);
			this.nextBatch = 1;
			return;
		}
		List<JournalSegment> ordered = List.copyOf(this.segments.values());
		List<ByteBuffer> maps = new ArrayList<>();
		for (JournalSegment segment : ordered) {
			maps.add(segment.map());
		}
		long lastBatch = 0;
		List<Placed> batch = new ArrayList<>();
		for (int s = 0; s < ordered.size(); s++) {
			JournalSegment segment = ordered.get(s);
			ByteBuffer data = maps.get(s);
			// batches never span segments
			int pos = 0;
			int batchStart = 0;
			int batchEnd = 0;
			while (true) {
				Header header = pos + JournalRecord.HEADER_BYTES <= this.segmentBytes
						? Header.read(data, pos, segment.sequence()) : null;
				if (header != null && pos + header.recordBytes() <= this.segmentBytes) {
					boolean next = pos == batchEnd && (lastBatch == 0 || header.batch() == lastBatch + 1)
							&& header.batchEnd() > pos && header.batchEnd() <= this.segmentBytes
							&& header.batchEnd() % JournalRecord.BATCH_ALIGNMENT == 0;
					boolean same = pos < batchEnd && header.batch() == lastBatch && header.batchEnd() == batchEnd;
					if (next || same) {
						if (next) {
							apply(batch);
							lastBatch = header.batch();
							batchStart = pos;
							batchEnd = header.batchEnd();
						}
						batch.add(new Placed(segment, pos, header));
						pos += header.recordBytes();
						continue;
					}
				}
				// no record continues the log at pos
				boolean complete = pos == batchEnd;
				if (complete) {
					apply(batch);
					if (s + 1 < ordered.size() && lastBatch > 0
							&& startsBatch(maps.get(s + 1), ordered.get(s + 1), lastBatch + 1)) {
						break;
					}
				}
				else {
					log.warn("Raft journal {}: batch {} in {} is torn at {}; cut", this.dir, lastBatch,
							segment.path().getFileName(), pos);
					batch.clear();
					lastBatch--;
				}
				int cut = complete ? pos : batchStart;
				clearTail(ordered, maps, s, cut, lastBatch + 1);
				segment.force();
				this.active = segment;
				this.position = cut;
				this.nextBatch = lastBatch + 1;
				return;
			}
		}
		throw new IllegalStateException("recovery always ends in a segment");
	}

	private static boolean startsBatch(ByteBuffer data, JournalSegment segment, long batch) {
		Header header = Header.read(data, 0, segment.sequence());
		return header != null && header.batch() == batch;
	}

	/**
	 * Past the end of the log (segment s at cut): fails if any record of a batch after
	 * the torn one is there, zeroes the torn batch's records (so that no later write can
	 * leave them looking like its own continuation).
	 */
	private void clearTail(List<JournalSegment> ordered, List<ByteBuffer> maps, int s, int cut, long tornBatch)
			throws IOException {
		for (int t = s; t < ordered.size(); t++) {
			JournalSegment segment = ordered.get(t);
			ByteBuffer data = maps.get(t);
			boolean zeroed = false;
			for (int pos = t == s ? cut : 0; pos + JournalRecord.HEADER_BYTES <= data.limit();
					pos += JournalRecord.RECORD_ALIGNMENT) {
				if (data.getInt(pos) != JournalRecord.MAGIC) {
					continue;
				}
				Header header = Header.read(data, pos, segment.sequence());
				if (header == null) {
					continue;
				}
				if (header.batch() > tornBatch) {
					throw new JournalCorruptedException("Raft journal " + this.dir + ": a record of batch "
							+ header.batch() + " at " + segment.path().getFileName() + ":" + pos + " follows the end of "
							+ "the log at " + ordered.get(s).path().getFileName() + ":" + cut
							+ ": records before it are damaged");
				}
				int length = Math.min(header.recordBytes(), this.segmentBytes - pos);
				segment.zero(pos, length);
				zeroed = true;
				pos += length - JournalRecord.RECORD_ALIGNMENT;
			}
			if (zeroed) {
				segment.force();
			}
		}
	}

	private void apply(List<Placed> batch) {
		for (Placed placed : batch) {
			Header header = placed.header();
			GroupLog group = this.groups.computeIfAbsent(header.groupKey(), GroupLog::new);
			if (header.kind() == Kind.ENTRY) {
				group.applyEntry(new Location(placed.segment(), placed.offset(), header.index(), header.term(),
						header.entryType(), header.payloadLength()));
			}
			else {
				group.applyMarker(header.kind(), header.index(), placed.segment().sequence());
			}
		}
		batch.clear();
	}

	/** A record read back during recovery. */
	private record Placed(JournalSegment segment, int offset, Header header) {
	}

	// ---- writing

	private void runWriter() {
		List<Write> round = new ArrayList<>();
		boolean stop = false;
		while (!stop) {
			Write write;
			try {
				write = this.queue.take();
			}
			catch (InterruptedException ex) {
				// nothing interrupts the writer: close() sends STOP
				Thread.currentThread().interrupt();
				return;
			}
			long bytes = 0;
			while (write != null) {
				if (write == STOP) {
					stop = true;
					break;
				}
				round.add(write);
				bytes += write.bytes();
				write = bytes < ROUND_BYTES ? this.queue.poll() : null;
			}
			try {
				writeRound(round);
			}
			catch (RuntimeException ex) {
				log.error("the Raft journal's writer failed in {}", this.dir, ex);
				this.failure = new IOException("the writer failed", ex);
			}
			for (Write done : round) {
				done.done.complete(done.durable);
			}
			round.clear();
		}
	}

	/**
	 * Writes the records of round in order, as one batch per segment they land in (each
	 * written and synced before the next begins), and applies them to their groups; stops
	 * at the first record that cannot be written, so each caller's durable records are a
	 * prefix of its own.
	 */
	private void writeRound(List<Write> round) {
		if (this.failure != null) {
			return;
		}
		int rewriteBefore = this.rewriteMarkersBefore;
		if (rewriteBefore > 0) {
			this.rewriteMarkersBefore = 0;
			round.addAll(0, markerRewrites(rewriteBefore));
		}
		List<Pending> batch = new ArrayList<>();
		int cursor = this.position;
		for (Write write : round) {
			for (JournalRecord record : write.records) {
				int bytes = record.alignedBytes();
				if (cursor + bytes > this.segmentBytes) {
					if (!writeBatch(batch, cursor) || bytes > this.segmentBytes || !roll()) {
						return;
					}
					cursor = 0;
				}
				batch.add(new Pending(write, record, cursor, bytes));
				cursor += bytes;
			}
		}
		writeBatch(batch, cursor);
	}

	/**
	 * A marker setting the first index again for each group that has no entry and whose
	 * last marker is in a segment before the given one: it no longer pins that segment. A
	 * TRUNCATE_PREFIX of the group's own first index changes nothing, whatever comes after.
	 */
	private List<Write> markerRewrites(int before) {
		List<Write> rewrites = new ArrayList<>();
		for (GroupLog group : this.groups.values()) {
			if (group.onlyMarkerBefore(before)) {
				rewrites.add(new Write(group, List.of(JournalRecord.marker(Kind.TRUNCATE_PREFIX, group.first()))));
			}
		}
		return rewrites;
	}

	/** Writes and syncs the batch ending at end, then applies it; false if it failed. */
	private boolean writeBatch(List<Pending> batch, int end) {
		if (batch.isEmpty()) {
			return true;
		}
		JournalSegment segment = this.active;
		int start = this.position;
		int batchEnd = JournalRecord.align(end, JournalRecord.BATCH_ALIGNMENT);
		if (this.buffer.capacity() < batchEnd - start) {
			this.buffer = ByteBuffer.allocateDirect(JournalRecord.align(batchEnd - start, 1024 * 1024));
		}
		this.buffer.clear();
		for (int i = 0; i < batch.size(); i++) {
			Pending pending = batch.get(i);
			int recordBytes = i == batch.size() - 1 ? batchEnd - pending.offset() : pending.bytes();
			pending.record()
				.encode(this.buffer, segment.sequence(), this.nextBatch, batchEnd, pending.write().group.key(),
						recordBytes);
		}
		this.buffer.flip();
		long started = System.nanoTime();
		try {
			segment.write(this.buffer, start);
			segment.force();
			this.syncNanos.accept(System.nanoTime() - started);
		}
		catch (IOException ex) {
			log.error("Raft journal {}: writing {} failed; no more writes", this.dir, segment.path(), ex);
			this.failure = ex;
			return false;
		}
		this.nextBatch++;
		this.position = batchEnd;
		for (Pending pending : batch) {
			JournalRecord record = pending.record();
			GroupLog group = pending.write().group;
			if (record.kind() == Kind.ENTRY) {
				group.applyEntry(new Location(segment, pending.offset(), record.index(), record.term(),
						record.entryType(), record.payload().length));
			}
			else {
				group.applyMarker(record.kind(), record.index(), segment.sequence());
			}
			pending.write().durable++;
		}
		batch.clear();
		return true;
	}

	/** Moves on to the segment made ahead (trying once more if making it failed); false if none. */
	private boolean roll() {
		int sequence = this.active.sequence() + 1;
		JournalSegment next = null;
		for (int attempt = 0; attempt < 2 && next == null; attempt++) {
			if (this.nextSegment == null) {
				this.nextSegment = this.allocator.submit(() -> prepare(sequence));
			}
			try {
				next = this.nextSegment.get();
			}
			catch (ExecutionException ex) {
				log.warn("Raft journal {}: no segment to write next: {}", this.dir, ex.getCause().toString());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
			finally {
				this.nextSegment = null;
			}
		}
		if (next == null) {
			return false;
		}
		this.active = next;
		this.position = 0;
		this.nextSegment = this.allocator.submit(() -> prepare(sequence + 1));
		return true;
	}

	/**
	 * The segment to write after the active one (on the allocator's thread): one made
	 * already, else the oldest segment if no group needs it any more, else a new one
	 * unless the journal has its most segments.
	 */
	private JournalSegment prepare(int sequence) throws IOException {
		JournalSegment made = this.segments.get(sequence);
		if (made != null) {
			return made;
		}
		// the active segment first: the writer applies what it wrote before moving on, so
		// the groups pin anything written before the segment read here
		int activeSequence = this.active.sequence();
		int pinned = activeSequence;
		boolean markersPin = false;
		for (GroupLog group : this.groups.values()) {
			pinned = Math.min(pinned, group.pinnedSegment());
			markersPin |= group.onlyMarkerBefore(activeSequence);
		}
		if (markersPin) {
			this.rewriteMarkersBefore = activeSequence;
		}
		Map.Entry<Integer, JournalSegment> oldest = this.segments.firstEntry();
		if (oldest.getKey() < pinned) {
			JournalSegment reused = oldest.getValue().reuseAs(sequence);
			this.segments.remove(oldest.getKey());
			this.segments.put(sequence, reused);
			return reused;
		}
		if (this.segments.size() >= this.maxSegments) {
			throw new IOException("the Raft journal in " + this.dir + " is full: its " + this.maxSegments
					+ " segments hold records that groups need");
		}
		JournalSegment created = JournalSegment.create(this.dir, sequence, this.segmentBytes);
		this.segments.put(sequence, created);
		return created;
	}

	/** Appends of one group, waiting for the writer. */
	private static final class Write {

		final GroupLog group;

		final List<JournalRecord> records;

		final CompletableFuture<Integer> done = new CompletableFuture<>();

		/** Records written and synced so far; read once done completes. */
		int durable;

		Write(GroupLog group, List<JournalRecord> records) {
			this.group = group;
			this.records = records;
		}

		long bytes() {
			long bytes = 0;
			for (JournalRecord record : this.records) {
				bytes += record.alignedBytes();
			}
			return bytes;
		}

	}

	/** A record placed in the batch being built. */
	private record Pending(Write write, JournalRecord record, int offset, int bytes) {
	}

}
