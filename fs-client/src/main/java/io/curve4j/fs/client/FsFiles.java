package io.curve4j.fs.client;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curve4j.proto.metaserver.v1.Inode;

/**
 * The file data of one session and its regular files open on it, by inode: every opener
 * of one file shares one {@link OpenFile} (one write buffer). The FUSE mount and the
 * Hadoop file system both build theirs here, and flush open files on a timer and before
 * giving the mount back.
 */
public final class FsFiles {

	private static final Logger log = LoggerFactory.getLogger(FsFiles.class);

	private final FsNamespace namespace;

	private final FileData data;

	private final Map<Long, OpenFile> open = new ConcurrentHashMap<>();

	/**
	 * @param disk the disk cache, or null for none
	 * @param writeBack write-back uploads (with a disk cache), or null
	 */
	public FsFiles(FsSession session, FsNamespace namespace, DiskCache disk, WriteBackUploads writeBack) {
		this.namespace = namespace;
		ExecutorService uploads = Executors.newFixedThreadPool(4, FsSession.daemon("curve-fs-upload"));
		// prefetches and cache fills: a few at a time, the rest dropped (they only save time)
		ExecutorService background = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(64),
				FsSession.daemon("curve-fs-prefetch"), new ThreadPoolExecutor.AbortPolicy());
		this.data = new FileData(session.mount(), namespace, session.objects(), disk, writeBack, session.io(), uploads,
				background);
		if (writeBack != null) {
			writeBack.openHere(this.open::containsKey);
			// a file left with no name and not open here can no longer be read through this
			// mount, so its pieces still waiting out an upload delay go at once
			namespace.whenUnlinked((inodeId) -> {
				if (!this.open.containsKey(inodeId)) {
					writeBack.dropWaiting(inodeId);
				}
			});
		}
		session.timers().scheduleWithFixedDelay(() -> flushAll(true), 1, 1, TimeUnit.SECONDS);
	}

	public FileData data() {
		return this.data;
	}

	/**
	 * One more opener of {@code inodeId}.
	 * @param created the inode when this session just made it, else null: open reads it afresh (close-to-open)
	 */
	public OpenFile open(long inodeId, Inode created) {
		synchronized (this.open) {
			OpenFile file = this.open.computeIfAbsent(inodeId,
					(id) -> new OpenFile(created != null ? created : this.namespace.getInode(id), this.namespace, this.data));
			file.open();
			return file;
		}
	}

	/** An opener closes: its writes are flushed, and the last one's close forgets the file. */
	public void release(OpenFile file) {
		synchronized (this.open) {
			if (file.release()) {
				this.open.remove(file.inodeId());
			}
		}
	}

	/** Removes a non-directory name. */
	public void unlink(long parent, String name) {
		this.namespace.unlink(parent, name);
	}

	/** The file when it is open here, else null. */
	public OpenFile get(long inodeId) {
		return this.open.get(inodeId);
	}

	/** Uploads every open file's buffered writes (the timer; all of them before unmounting). */
	public void flushAll(boolean onlyDue) {
		for (OpenFile file : this.open.values()) {
			try {
				if (onlyDue) {
					file.flushIfDue();
				}
				else {
					file.flush();
				}
			}
			catch (RuntimeException ex) {
				log.error("upload of inode {} failed; its writes stay buffered for the next try", file.inodeId(), ex);
			}
		}
	}

}
