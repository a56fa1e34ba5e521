package io.curve4j.fs.fuse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.google.protobuf.ByteString;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.fs.client.FsFiles;
import io.curve4j.fs.client.FsNamespace;
import io.curve4j.fs.client.FsSession;
import io.curve4j.fs.client.OpenFile;
import io.curve4j.proto.metaserver.v1.Dentry;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.InodeType;
import io.curve4j.proto.metaserver.v1.RenameMode;
import io.curve4j.proto.metaserver.v1.SetAttrRequest;

/**
 * The FUSE file system (libfuse2's path API through jnr-fuse) over {@link FsNamespace} and
 * {@link FsFiles}. Paths are walked from the root through a dentry cache that forgets an
 * entry after {@link #ENTRY_TTL}, the same time the kernel keeps attributes and entries
 * (mount options), and at once when this mount changes the name. Every handler answers
 * 0 or a negated errno; a failure without a POSIX meaning is EIO and is logged.
 */
public final class CurveFuse extends FuseStubFS {

	private static final Logger log = LoggerFactory.getLogger(CurveFuse.class);

	/** How long a looked-up name is trusted without asking the metaservers again. */
	static final Duration ENTRY_TTL = Duration.ofSeconds(1);

	/** Reported capacity: the object store's is not known, and statfs must not say "full". */
	private static final long REPORTED_BLOCKS = 1L << 40;

	private static final int BLOCK = 4096;

	private static final int UTIME_NOW = (1 << 30) - 1;

	private static final int UTIME_OMIT = (1 << 30) - 2;

	private static final int XATTR_CREATE = 1;

	private static final int XATTR_REPLACE = 2;

	private static final int O_TRUNC = 01000;

	private final FsNamespace namespace;

	private final FsFiles files;

	private final Cache<String, Dentry> entries = FsSession.cache().expireAfterWrite(ENTRY_TTL).maximumSize(100_000).build();

	/** File handles (FUSE's fh) to the inode they opened. */
	private final Map<Long, Long> handles = new ConcurrentHashMap<>();

	private final AtomicLong nextHandle = new AtomicLong(1);

	public CurveFuse(FsNamespace namespace, FsFiles files) {
		this.namespace = namespace;
		this.files = files;
	}

	/**
	 * Mounts on {@code mountPoint} and serves it on {@code threads} Java threads (see
	 * {@link FuseSessionThreads}) until it is unmounted: by {@code fusermount -u}, or by
	 * this JVM's shutdown (SIGTERM), which unmounts lazily so the loops end.
	 */
	public void serve(Path mountPoint, boolean debug, String[] options, int threads) throws InterruptedException {
		if (!this.mounted.compareAndSet(false, true)) {
			throw new IllegalStateException("already mounted");
		}
		this.mountPoint = mountPoint;
		List<String> args = new ArrayList<>(List.of(getFSName(), "-f"));
		if (debug) {
			args.add("-d");
		}
		args.add(mountPoint.toString());
		args.addAll(List.of(options));
		Runtime.getRuntime().addShutdownHook(new Thread(this::umount, "fuse-unmount"));
		FuseSessionThreads.serve(this.fuseOperations, args.toArray(String[]::new), threads);
		this.mounted.set(false);
	}

	// attributes

	@Override
	public int getattr(String path, FileStat stat) {
		return run("getattr", path, () -> {
			// the kernel's lookup of every name, new ones too: an absent name is no exception here
			Dentry entry = find(path);
			if (entry == null) {
				return -Errno.ENOENT;
			}
			OpenFile file = this.files.get(entry.getInodeId());
			fill(stat, file != null ? file.attributes() : this.namespace.attributes(entry));
			return 0;
		});
	}

	@Override
	public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
		return run("fgetattr", path, () -> {
			Long inode = this.handles.get(fi.fh.get());
			fill(stat, attributes(inode != null ? inode : resolve(path).getInodeId()));
			return 0;
		});
	}

	@Override
	public int access(String path, int mask) {
		// default_permissions: the kernel checks the mode bits; here only existence is left
		return run("access", path, () -> {
			resolve(path);
			return 0;
		});
	}

	@Override
	public int chmod(String path, long mode) {
		return setAttr("chmod", path, SetAttrRequest.newBuilder().setSetMode(true).setMode((int) mode & 07777));
	}

	@Override
	public int chown(String path, long uid, long gid) {
		SetAttrRequest.Builder change = SetAttrRequest.newBuilder();
		// -1 (as unsigned 32 bits) leaves an id as it is
		if ((int) uid != -1) {
			change.setSetUid(true).setUid((int) uid);
		}
		if ((int) gid != -1) {
			change.setSetGid(true).setGid((int) gid);
		}
		return setAttr("chown", path, change);
	}

	@Override
	public int utimens(String path, Timespec[] times) {
		SetAttrRequest.Builder change = SetAttrRequest.newBuilder();
		long now = FsNamespace.nowNs();
		long atime = nanos(times[0], now);
		long mtime = nanos(times[1], now);
		if (atime >= 0) {
			change.setSetAtime(true).setAtimeNs(atime);
		}
		if (mtime >= 0) {
			change.setSetMtime(true).setMtimeNs(mtime);
		}
		return setAttr("utimens", path, change);
	}

	@Override
	public int truncate(String path, long size) {
		return run("truncate", path, () -> truncateInode(resolve(path).getInodeId(), size));
	}

	@Override
	public int ftruncate(String path, long size, FuseFileInfo fi) {
		return run("ftruncate", path, () -> truncateInode(this.handles.get(fi.fh.get()), size));
	}

	// names

	@Override
	public int mknod(String path, long mode, long rdev) {
		InodeType type = switch ((int) mode & FileStat.S_IFMT) {
			case 0, FileStat.S_IFREG -> InodeType.FILE;
			case FileStat.S_IFIFO -> InodeType.FIFO;
			case FileStat.S_IFCHR -> InodeType.CHAR_DEVICE;
			case FileStat.S_IFBLK -> InodeType.BLOCK_DEVICE;
			case FileStat.S_IFSOCK -> InodeType.SOCKET;
			default -> null;
		};
		if (type == null) {
			return -Errno.EINVAL;
		}
		return run("mknod", path, () -> {
			createNode(path, type, (int) mode, rdev, null);
			return 0;
		});
	}

	@Override
	public int create(String path, long mode, FuseFileInfo fi) {
		return run("create", path, () -> {
			Inode inode = createNode(path, InodeType.FILE, (int) mode, 0, null);
			fi.fh.set(openHandle(inode.getInodeId(), inode));
			return 0;
		});
	}

	@Override
	public int mkdir(String path, long mode) {
		return run("mkdir", path, () -> {
			createNode(path, InodeType.DIRECTORY, (int) mode, 0, null);
			return 0;
		});
	}

	@Override
	public int symlink(String target, String path) {
		return run("symlink", path, () -> {
			createNode(path, InodeType.SYMLINK, 0777, 0, target);
			return 0;
		});
	}

	@Override
	public int readlink(String path, Pointer buf, long size) {
		return run("readlink", path, () -> {
			Inode inode = this.namespace.attributes(resolve(path).getInodeId());
			if (inode.getType() != InodeType.SYMLINK) {
				return -Errno.EINVAL;
			}
			byte[] target = inode.getSymlinkTarget().getBytes(StandardCharsets.UTF_8);
			int n = (int) Math.min(target.length, size - 1);
			buf.put(0, target, 0, n);
			buf.putByte(n, (byte) 0);
			return 0;
		});
	}

	@Override
	public int link(String existing, String path) {
		return run("link", path, () -> {
			long inode = resolve(existing).getInodeId();
			this.namespace.hardLink(inode, resolve(parentOf(path)).getInodeId(), nameOf(path));
			return 0;
		});
	}

	@Override
	public int unlink(String path) {
		return run("unlink", path, () -> {
			this.files.unlink(resolve(parentOf(path)).getInodeId(), nameOf(path));
			this.entries.invalidate(path);
			return 0;
		});
	}

	@Override
	public int rmdir(String path) {
		return run("rmdir", path, () -> {
			this.namespace.rmdir(resolve(parentOf(path)).getInodeId(), nameOf(path));
			forgetTree(path);
			return 0;
		});
	}

	/**
	 * POSIX rename. libfuse2's path API carries no flags, so {@code renameat2} with
	 * RENAME_NOREPLACE or RENAME_EXCHANGE never reaches us: the kernel answers EINVAL. The
	 * metaservers implement both modes ({@link RenameMode}).
	 */
	@Override
	public int rename(String from, String to) {
		if (to.startsWith(from + "/")) {
			return -Errno.EINVAL;
		}
		return run("rename", from, () -> {
			long srcParent = resolve(parentOf(from)).getInodeId();
			long dstParent = resolve(parentOf(to)).getInodeId();
			try {
				this.namespace.rename(srcParent, nameOf(from), dstParent, nameOf(to), RenameMode.RENAME_REPLACE);
			}
			finally {
				forgetTree(from);
				forgetTree(to);
			}
			return 0;
		});
	}

	@Override
	public int opendir(String path, FuseFileInfo fi) {
		return run("opendir", path, () -> resolve(path).getType() == InodeType.DIRECTORY ? 0 : -Errno.ENOTDIR);
	}

	@Override
	public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
		return run("readdir", path, () -> {
			long directory = resolve(path).getInodeId();
			filler.apply(buf, ".", null, 0);
			filler.apply(buf, "..", null, 0);
			// offset 0 for every entry: libfuse keeps the whole listing and hands it to the kernel in pages
			for (Dentry entry : this.namespace.list(directory)) {
				this.entries.put(child(path, entry.getName()), entry);
				filler.apply(buf, entry.getName(), null, 0);
			}
			return 0;
		});
	}

	// data

	@Override
	public int open(String path, FuseFileInfo fi) {
		return run("open", path, () -> {
			Dentry entry = resolve(path);
			if (entry.getType() == InodeType.DIRECTORY) {
				return -Errno.EISDIR;
			}
			long handle = openHandle(entry.getInodeId(), null);
			fi.fh.set(handle);
			if ((fi.flags.get() & O_TRUNC) != 0) {
				this.files.get(entry.getInodeId()).truncate(0);
			}
			return 0;
		});
	}

	@Override
	public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
		return run("read", path, () -> {
			byte[] bytes = file(fi).read(offset, (int) size);
			buf.put(0, bytes, 0, bytes.length);
			return bytes.length;
		});
	}

	@Override
	public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
		return run("write", path, () -> {
			byte[] bytes = new byte[(int) size];
			buf.get(0, bytes, 0, bytes.length);
			file(fi).write(offset, bytes);
			return bytes.length;
		});
	}

	/** close(2) of a descriptor: what it wrote is uploaded before close returns (close-to-open). */
	@Override
	public int flush(String path, FuseFileInfo fi) {
		return run("flush", path, () -> {
			file(fi).flush();
			return 0;
		});
	}

	@Override
	public int fsync(String path, int datasync, FuseFileInfo fi) {
		return run("fsync", path, () -> {
			file(fi).sync();
			return 0;
		});
	}

	/** fsync of a directory: what this mount queued (creates, unlinks; metadata write-back) is committed first. */
	@Override
	public int fsyncdir(String path, FuseFileInfo fi) {
		return run("fsyncdir", path, () -> {
			this.namespace.awaitAllRecorded();
			return 0;
		});
	}

	@Override
	public int release(String path, FuseFileInfo fi) {
		return run("release", path, () -> {
			Long inode = this.handles.remove(fi.fh.get());
			if (inode == null) {
				return 0;
			}
			this.files.release(this.files.get(inode));
			return 0;
		});
	}

	@Override
	public int statfs(String path, Statvfs stat) {
		stat.f_bsize.set(BLOCK);
		stat.f_frsize.set(BLOCK);
		stat.f_blocks.set(REPORTED_BLOCKS);
		stat.f_bfree.set(REPORTED_BLOCKS);
		stat.f_bavail.set(REPORTED_BLOCKS);
		stat.f_files.set(REPORTED_BLOCKS);
		stat.f_ffree.set(REPORTED_BLOCKS);
		stat.f_favail.set(REPORTED_BLOCKS);
		stat.f_namemax.set(FsNamespace.NAME_MAX);
		return 0;
	}

	// extended attributes

	@Override
	public int setxattr(String path, String name, Pointer value, long size, int flags) {
		return run("setxattr", path, () -> {
			byte[] bytes = new byte[(int) size];
			value.get(0, bytes, 0, bytes.length);
			changed(this.namespace.setXattr(resolve(path).getInodeId(), name, bytes, (flags & XATTR_CREATE) != 0,
					(flags & XATTR_REPLACE) != 0));
			return 0;
		});
	}

	/**
	 * From the attributes this mount holds (as fresh as getattr's): the kernel asks for
	 * {@code security.capability} before every write, which must not cost a metaserver call.
	 */
	@Override
	public int getxattr(String path, String name, Pointer value, long size) {
		return run("getxattr", path, () -> {
			ByteString found = attributes(resolve(path).getInodeId()).getXattrsMap().get(name);
			if (found == null) {
				return -Errno.ENODATA;
			}
			return copyOut(found.toByteArray(), value, size);
		});
	}

	@Override
	public int listxattr(String path, Pointer list, long size) {
		return run("listxattr", path, () -> {
			StringBuilder names = new StringBuilder();
			for (String name : attributes(resolve(path).getInodeId()).getXattrsMap().keySet()) {
				names.append(name).append('\0');
			}
			return copyOut(names.toString().getBytes(StandardCharsets.UTF_8), list, size);
		});
	}

	@Override
	public int removexattr(String path, String name) {
		return run("removexattr", path, () -> {
			changed(this.namespace.removeXattr(resolve(path).getInodeId(), name));
			return 0;
		});
	}

	// helpers

	private Inode createNode(String path, InodeType type, int mode, long rdev, String symlink) {
		long parent = resolve(parentOf(path)).getInodeId();
		int uid = getContext().uid.intValue();
		int gid = getContext().gid.intValue();
		Inode inode = this.namespace.create(parent, nameOf(path), type, mode & 07777, uid, gid, rdev, symlink);
		this.entries.put(path, Dentry.newBuilder().setParent(parent).setName(nameOf(path))
			.setInodeId(inode.getInodeId()).setType(type).build());
		return inode;
	}

	/** @param created the inode when this mount just made it, else null: open reads it afresh (close-to-open) */
	private long openHandle(long inodeId, Inode created) {
		this.files.open(inodeId, created);
		long handle = this.nextHandle.getAndIncrement();
		this.handles.put(handle, inodeId);
		return handle;
	}

	private OpenFile file(FuseFileInfo fi) {
		Long inode = this.handles.get(fi.fh.get());
		OpenFile file = inode == null ? null : this.files.get(inode);
		if (file == null) {
			throw new CurveException(ErrorCode.INVALID_ARGUMENT, "no open file with handle " + fi.fh.get());
		}
		return file;
	}

	private Inode attributes(long inodeId) {
		OpenFile file = this.files.get(inodeId);
		return file != null ? file.attributes() : this.namespace.attributes(inodeId);
	}

	private int setAttr(String what, String path, SetAttrRequest.Builder change) {
		return run(what, path, () -> {
			changed(this.namespace.setAttr(resolve(path).getInodeId(), change));
			return 0;
		});
	}

	private void changed(Inode inode) {
		OpenFile file = this.files.get(inode.getInodeId());
		if (file != null) {
			file.changed(inode);
		}
	}

	private int truncateInode(long inodeId, long size) {
		OpenFile file = this.files.get(inodeId);
		if (file != null) {
			file.truncate(size);
		}
		else {
			Inode inode = this.namespace.getInode(inodeId);
			if (inode.getType() == InodeType.DIRECTORY) {
				return -Errno.EISDIR;
			}
			this.namespace.truncate(inodeId, size);
		}
		return 0;
	}

	/** The entry a path names, walking from the root; DENTRY_NOT_FOUND (ENOENT) or NOT_A_DIRECTORY on the way. */
	private Dentry resolve(String path) {
		Dentry found = find(path);
		if (found == null) {
			throw new CurveException(ErrorCode.DENTRY_NOT_FOUND, "no " + path);
		}
		return found;
	}

	/** The entry a path names, or null when its last name is absent (a missing directory on the way still throws). */
	private Dentry find(String path) {
		if (path.equals("/")) {
			long root = this.namespace.rootInode();
			return Dentry.newBuilder().setParent(root).setName("/").setInodeId(root).setType(InodeType.DIRECTORY).build();
		}
		Dentry cached = this.entries.getIfPresent(path);
		if (cached != null) {
			return cached;
		}
		Dentry parent = resolve(parentOf(path));
		if (parent.getType() != InodeType.DIRECTORY) {
			throw new CurveException(ErrorCode.NOT_A_DIRECTORY, parentOf(path) + " is not a directory");
		}
		Dentry found = this.namespace.lookup(parent.getInodeId(), nameOf(path));
		if (found != null) {
			this.entries.put(path, found);
		}
		return found;
	}

	/** A renamed or removed name: it and every path under it. */
	private void forgetTree(String path) {
		this.entries.invalidate(path);
		String prefix = path + "/";
		this.entries.asMap().keySet().removeIf((p) -> p.startsWith(prefix));
	}

	private static void fill(FileStat stat, Inode inode) {
		stat.st_mode.set(typeBits(inode.getType()) | inode.getMode());
		stat.st_ino.set(inode.getInodeId());
		stat.st_nlink.set(inode.getNlink());
		stat.st_uid.set(inode.getUid());
		stat.st_gid.set(inode.getGid());
		stat.st_size.set(inode.getLength());
		stat.st_rdev.set(inode.getRdev());
		stat.st_blksize.set(BLOCK);
		stat.st_blocks.set((inode.getLength() + 511) / 512);
		setTime(stat.st_atim, inode.getAtimeNs());
		setTime(stat.st_mtim, inode.getMtimeNs());
		setTime(stat.st_ctim, inode.getCtimeNs());
	}

	private static int typeBits(InodeType type) {
		return switch (type) {
			case DIRECTORY -> FileStat.S_IFDIR;
			case SYMLINK -> FileStat.S_IFLNK;
			case FIFO -> FileStat.S_IFIFO;
			case CHAR_DEVICE -> FileStat.S_IFCHR;
			case BLOCK_DEVICE -> FileStat.S_IFBLK;
			case SOCKET -> FileStat.S_IFSOCK;
			default -> FileStat.S_IFREG;
		};
	}

	private static void setTime(Timespec time, long nanos) {
		time.tv_sec.set(nanos / 1_000_000_000L);
		time.tv_nsec.set(nanos % 1_000_000_000L);
	}

	/** Nanoseconds a utimens time asks for; -1 for UTIME_OMIT. */
	private static long nanos(Timespec time, long now) {
		long nsec = time.tv_nsec.longValue();
		if (nsec == UTIME_OMIT) {
			return -1;
		}
		if (nsec == UTIME_NOW) {
			return now;
		}
		return time.tv_sec.get() * 1_000_000_000L + nsec;
	}

	/** xattr calls: size 0 asks how big the value is; a smaller buffer is ERANGE. */
	private static int copyOut(byte[] bytes, Pointer to, long size) {
		if (size == 0) {
			return bytes.length;
		}
		if (size < bytes.length) {
			return -Errno.ERANGE;
		}
		to.put(0, bytes, 0, bytes.length);
		return bytes.length;
	}

	static String parentOf(String path) {
		int slash = path.lastIndexOf('/');
		return slash <= 0 ? "/" : path.substring(0, slash);
	}

	static String nameOf(String path) {
		return path.substring(path.lastIndexOf('/') + 1);
	}

	private static String child(String directory, String name) {
		return directory.equals("/") ? "/" + name : directory + "/" + name;
	}

	private static int run(String op, String path, IntSupplier handler) {
		try {
			return handler.getAsInt();
		}
		catch (CurveException ex) {
			int errno = Errno.of(ex.code());
			if (errno == Errno.EIO) {
				log.error("{} {} failed", op, path, ex);
			}
			return -errno;
		}
		catch (RuntimeException ex) {
			log.error("{} {} failed", op, path, ex);
			return -Errno.EIO;
		}
	}

}
