package io.curve4j.fs.hadoop;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;
import com.sun.security.auth.module.UnixSystem;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathIsNotEmptyDirectoryException;
import org.apache.hadoop.fs.XAttrSetFlag;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.util.Progressable;

import io.curve4j.common.error.CurveException;
import io.curve4j.fs.client.FsFiles;
import io.curve4j.fs.client.FsNamespace;
import io.curve4j.fs.client.FsSession;
import io.curve4j.fs.client.OpenFile;
import io.curve4j.proto.metaserver.v1.Dentry;
import io.curve4j.proto.metaserver.v1.Inode;
import io.curve4j.proto.metaserver.v1.InodeType;
import io.curve4j.proto.metaserver.v1.RenameMode;
import io.curve4j.proto.metaserver.v1.SetAttrRequest;

import static org.apache.hadoop.fs.impl.PathCapabilitiesSupport.validatePathCapabilityArgs;

/**
 * CurveFS as a Hadoop file system, {@code curvefs://FS/path}: one mount session with the
 * MDS per instance (Hadoop caches instances per scheme, authority and user), the
 * metaservers and the object store called directly. Open files are shared per inode as
 * on a FUSE mount, buffered writes are uploaded by a timer, by {@code hflush}/{@code hsync}
 * and by close, and {@link #close()} uploads what is left before giving the mount back.
 *
 * <p>Owners and groups are the inodes' numeric uid and gid as decimal strings; new files
 * and directories belong to {@link #UID}/{@link #GID} (by default this process's).
 * Permissions are recorded, not enforced: the caller is trusted as a FUSE mount's kernel
 * is.
 */
public class CurveFileSystem extends FileSystem {

	public static final String SCHEME = "curvefs";

	/** The MDS gRPC addresses, {@code host:port[,...]} (required). */
	public static final String MDS = "fs.curvefs.mds";

	/** The Curve user the session signs its calls as (default {@code root}). */
	public static final String USER = "fs.curvefs.user";

	/** The user's password; or {@link #SECRET_FILE}. */
	public static final String PASSWORD = "fs.curvefs.password";

	/** A local file holding the user's password (one line): used when {@link #PASSWORD} is not set. */
	public static final String SECRET_FILE = "fs.curvefs.secret.file";

	/** The uid that new files and directories get (default: this process's). */
	public static final String UID = "fs.curvefs.uid";

	/** The gid that new files and directories get (default: this process's). */
	public static final String GID = "fs.curvefs.gid";

	private URI uri;

	private Path workingDirectory;

	private FsSession session;

	private FsNamespace namespace;

	private FsFiles files;

	private int uid;

	private int gid;

	@Override
	public void initialize(URI name, Configuration conf) throws IOException {
		super.initialize(name, conf);
		setConf(conf);
		String fs = name.getAuthority();
		if (!SCHEME.equals(name.getScheme()) || fs == null || fs.isEmpty()) {
			throw new IOException("not a CurveFS URI: " + name + " (curvefs://FILE_SYSTEM/path)");
		}
		List<String> mds = List.of(conf.getTrimmedStrings(MDS));
		if (mds.isEmpty()) {
			throw new IOException("no MDS addresses: set " + MDS + " to host:port[,...]");
		}
		String user = conf.getTrimmed(USER, "root");
		UnixSystem process = new UnixSystem();
		this.uid = conf.getInt(UID, (int) process.getUid());
		this.gid = conf.getInt(GID, (int) process.getGid());
		this.uri = URI.create(SCHEME + "://" + fs);
		try {
			this.session = FsSession.open(mds, fs, user, password(conf), mountPoint(fs));
		}
		catch (CurveException ex) {
			throw CurveErrors.toIOException("mount " + this.uri, ex);
		}
		this.namespace = new FsNamespace(this.session.mount(), this.session.meta());
		this.files = new FsFiles(this.session, this.namespace, null, null);
		this.workingDirectory = getHomeDirectory();
	}

	private static String password(Configuration conf) throws IOException {
		char[] password = conf.getPassword(PASSWORD);
		if (password != null) {
			return new String(password);
		}
		String file = conf.getTrimmed(SECRET_FILE);
		if (file == null) {
			throw new AccessControlException("no password: set " + PASSWORD + " or " + SECRET_FILE);
		}
		return Files.readString(java.nio.file.Path.of(file), StandardCharsets.UTF_8).strip();
	}

	/** How the MDS lists this session among the file system's mounts. */
	private static String mountPoint(String fs) {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "localhost";
		}
		return "hadoop:" + host + ":" + ProcessHandle.current().pid() + ":" + fs;
	}

	@Override
	public String getScheme() {
		return SCHEME;
	}

	@Override
	public URI getUri() {
		return this.uri;
	}

	@Override
	public Path getWorkingDirectory() {
		return this.workingDirectory;
	}

	@Override
	public void setWorkingDirectory(Path directory) {
		this.workingDirectory = makeQualified(directory);
	}

	@Override
	public boolean hasPathCapability(Path path, String capability) throws IOException {
		return switch (validatePathCapabilityArgs(makeQualified(path), capability)) {
			case CommonPathCapabilities.FS_APPEND, CommonPathCapabilities.FS_PERMISSIONS,
					CommonPathCapabilities.FS_XATTRS -> true;
			default -> super.hasPathCapability(path, capability);
		};
	}

	@Override
	public long getDefaultBlockSize(Path path) {
		return this.files.data().chunkSize();
	}

	// reading and writing

	@Override
	public FSDataInputStream open(Path path, int bufferSize) throws IOException {
		return call("open", path, () -> {
			Dentry entry = resolve(path);
			if (entry.getType() == InodeType.DIRECTORY) {
				throw new FileNotFoundException(path + " is a directory");
			}
			return new FSDataInputStream(new CurveInputStream(this.files, this.files.open(entry.getInodeId(), null), path));
		});
	}

	/** Makes the missing parent directories. */
	@Override
	public FSDataOutputStream create(Path path, FsPermission permission, boolean overwrite, int bufferSize,
			short replication, long blockSize, Progressable progress) throws IOException {
		return create(path, permission, overwrite, true);
	}

	/** The parent directory must exist. */
	@Override
	public FSDataOutputStream createNonRecursive(Path path, FsPermission permission, EnumSet<CreateFlag> flags,
			int bufferSize, short replication, long blockSize, Progressable progress) throws IOException {
		return create(path, permission, flags.contains(CreateFlag.OVERWRITE), false);
	}

	private FSDataOutputStream create(Path path, FsPermission permission, boolean overwrite, boolean makeParents)
			throws IOException {
		return call("create", path, () -> {
			String name = path.getName();
			if (name.isEmpty()) {
				throw new FileAlreadyExistsException("cannot create the root directory " + path);
			}
			long parent;
			if (makeParents) {
				parent = mkdirsResolved(path.getParent(), FsPermission.getDirDefault());
			}
			else {
				Dentry directory = resolve(path.getParent());
				if (directory.getType() != InodeType.DIRECTORY) {
					throw new ParentNotDirectoryException(path.getParent() + " is not a directory");
				}
				parent = directory.getInodeId();
			}
			Dentry existing = this.namespace.lookup(parent, name);
			OpenFile file;
			if (existing == null) {
				int mode = permission.applyUMask(FsPermission.getUMask(getConf())).toShort() & 07777;
				Inode created = this.namespace.create(parent, name, InodeType.FILE, mode, this.uid, this.gid, 0, null);
				file = this.files.open(created.getInodeId(), created);
			}
			else if (existing.getType() == InodeType.DIRECTORY) {
				throw new FileAlreadyExistsException(path + " is a directory");
			}
			else if (!overwrite) {
				throw new FileAlreadyExistsException(path + " exists");
			}
			else {
				file = this.files.open(existing.getInodeId(), null);
				file.truncate(0);
			}
			return new FSDataOutputStream(new CurveOutputStream(this.files, file, 0), this.statistics);
		});
	}

	/** Writes at the file's end as this session sees it (another writer's unflushed bytes are not). */
	@Override
	public FSDataOutputStream append(Path path, int bufferSize, Progressable progress) throws IOException {
		return call("append", path, () -> {
			Dentry entry = resolve(path);
			if (entry.getType() == InodeType.DIRECTORY) {
				throw new FileAlreadyExistsException(path + " is a directory");
			}
			OpenFile file = this.files.open(entry.getInodeId(), null);
			return new FSDataOutputStream(new CurveOutputStream(this.files, file, file.attributes().getLength()),
					this.statistics, file.attributes().getLength());
		});
	}

	// names

	@Override
	public boolean rename(Path src, Path dst) throws IOException {
		return call("rename", src, () -> {
			String from = pathOf(src);
			String to = pathOf(dst);
			if (from.equals("/") || (to + "/").startsWith(from + "/") && !to.equals(from)) {
				// the root, or a directory into its own subtree
				return false;
			}
			Dentry source = lookup(from);
			if (source == null) {
				return false;
			}
			Dentry target = lookup(to);
			if (target != null && target.getType() == InodeType.DIRECTORY) {
				// into the directory, under the same name
				to = to.equals("/") ? "/" + nameOf(from) : to + "/" + nameOf(from);
				target = lookup(to);
			}
			if (to.equals(from)) {
				return source.getType() != InodeType.DIRECTORY || target != null;
			}
			if (target != null) {
				return false;
			}
			Dentry dstParent = lookup(parentOf(to));
			if (dstParent == null) {
				return false;
			}
			if (dstParent.getType() != InodeType.DIRECTORY) {
				throw new ParentNotDirectoryException(parentOf(to) + " is not a directory");
			}
			this.namespace.rename(source.getParent(), nameOf(from), dstParent.getInodeId(), nameOf(to),
					RenameMode.RENAME_NOREPLACE);
			return true;
		});
	}

	@Override
	public boolean delete(Path path, boolean recursive) throws IOException {
		return call("delete", path, () -> {
			String p = pathOf(path);
			Dentry entry = lookup(p);
			if (entry == null) {
				return false;
			}
			if (entry.getType() != InodeType.DIRECTORY) {
				this.files.unlink(entry.getParent(), entry.getName());
				return true;
			}
			List<Dentry> children = this.namespace.list(entry.getInodeId());
			if (!children.isEmpty() && !recursive) {
				throw new PathIsNotEmptyDirectoryException(path.toString());
			}
			for (Dentry child : children) {
				deleteTree(child);
			}
			if (p.equals("/")) {
				// the root stays: its contents are gone
				return true;
			}
			this.namespace.rmdir(entry.getParent(), entry.getName());
			return true;
		});
	}

	private void deleteTree(Dentry entry) {
		if (entry.getType() == InodeType.DIRECTORY) {
			for (Dentry child : this.namespace.list(entry.getInodeId())) {
				deleteTree(child);
			}
			this.namespace.rmdir(entry.getParent(), entry.getName());
		}
		else {
			this.files.unlink(entry.getParent(), entry.getName());
		}
	}

	@Override
	public FileStatus[] listStatus(Path path) throws IOException {
		return call("list", path, () -> {
			Dentry entry = resolve(path);
			Path qualified = makeQualified(path);
			if (entry.getType() != InodeType.DIRECTORY) {
				return new FileStatus[] { status(attributes(entry.getInodeId()), qualified) };
			}
			List<FileStatus> statuses = new ArrayList<>();
			for (Dentry child : this.namespace.list(entry.getInodeId())) {
				try {
					statuses.add(status(attributes(child.getInodeId()), new Path(qualified, child.getName())));
				}
				catch (CurveException ex) {
					// removed by another client between the listing and now
					if (!(CurveErrors.toIOException("stat", ex) instanceof FileNotFoundException)) {
						throw ex;
					}
				}
			}
			return statuses.toArray(FileStatus[]::new);
		});
	}

	@Override
	public boolean mkdirs(Path path, FsPermission permission) throws IOException {
		return call("mkdirs", path, () -> {
			mkdirsResolved(path, permission);
			return true;
		});
	}

	/** Makes the missing directories of {@code path}: its inode; a file on the way is refused. */
	private long mkdirsResolved(Path path, FsPermission permission) throws IOException {
		int mode = permission.applyUMask(FsPermission.getUMask(getConf())).toShort() & 07777;
		long directory = this.namespace.rootInode();
		String walked = "";
		for (String name : components(pathOf(path))) {
			walked += "/" + name;
			Dentry entry = this.namespace.lookup(directory, name);
			if (entry == null) {
				try {
					directory = this.namespace.create(directory, name, InodeType.DIRECTORY, mode, this.uid, this.gid, 0, null)
						.getInodeId();
					continue;
				}
				catch (CurveException ex) {
					// made meanwhile by another client: use it
					entry = this.namespace.lookup(directory, name);
					if (entry == null) {
						throw ex;
					}
				}
			}
			if (entry.getType() != InodeType.DIRECTORY) {
				throw walked.equals(pathOf(path)) ? new FileAlreadyExistsException(walked + " is a file")
						: new ParentNotDirectoryException(walked + " is not a directory");
			}
			directory = entry.getInodeId();
		}
		return directory;
	}

	@Override
	public FileStatus getFileStatus(Path path) throws IOException {
		return call("stat", path, () -> status(attributes(resolve(path).getInodeId()), makeQualified(path)));
	}

	// attributes

	@Override
	public void setPermission(Path path, FsPermission permission) throws IOException {
		setAttr("chmod", path, SetAttrRequest.newBuilder().setSetMode(true).setMode(permission.toShort() & 07777));
	}

	/** Owner and group are numeric uid and gid strings; null leaves one as it is. */
	@Override
	public void setOwner(Path path, String owner, String group) throws IOException {
		SetAttrRequest.Builder change = SetAttrRequest.newBuilder();
		if (owner != null) {
			change.setSetUid(true).setUid(numericId("owner", owner));
		}
		if (group != null) {
			change.setSetGid(true).setGid(numericId("group", group));
		}
		setAttr("chown", path, change);
	}

	/** Times in milliseconds; -1 leaves one as it is. */
	@Override
	public void setTimes(Path path, long mtime, long atime) throws IOException {
		SetAttrRequest.Builder change = SetAttrRequest.newBuilder();
		if (mtime >= 0) {
			change.setSetMtime(true).setMtimeNs(mtime * 1_000_000L);
		}
		if (atime >= 0) {
			change.setSetAtime(true).setAtimeNs(atime * 1_000_000L);
		}
		setAttr("set times", path, change);
	}

	private void setAttr(String what, Path path, SetAttrRequest.Builder change) throws IOException {
		call(what, path, () -> {
			Inode changed = this.namespace.setAttr(resolve(path).getInodeId(), change);
			OpenFile file = this.files.get(changed.getInodeId());
			if (file != null) {
				file.changed(changed);
			}
			return changed;
		});
	}

	private static int numericId(String what, String id) throws IOException {
		try {
			return Integer.parseUnsignedInt(id);
		}
		catch (NumberFormatException ex) {
			throw new IOException("CurveFS " + what + "s are numeric ids, not '" + id + "'");
		}
	}

	// extended attributes

	@Override
	public void setXAttr(Path path, String name, byte[] value, EnumSet<XAttrSetFlag> flag) throws IOException {
		boolean create = flag.contains(XAttrSetFlag.CREATE);
		boolean replace = flag.contains(XAttrSetFlag.REPLACE);
		call("set xattr", path, () -> this.namespace.setXattr(resolve(path).getInodeId(), name, value,
				create && !replace, replace && !create));
	}

	@Override
	public byte[] getXAttr(Path path, String name) throws IOException {
		ByteString value = call("get xattr", path, () -> xattrs(path).get(name));
		if (value == null) {
			throw new IOException("no attribute " + name + " on " + path);
		}
		return value.toByteArray();
	}

	@Override
	public Map<String, byte[]> getXAttrs(Path path) throws IOException {
		Map<String, byte[]> all = new HashMap<>();
		call("get xattrs", path, () -> xattrs(path)).forEach((k, v) -> all.put(k, v.toByteArray()));
		return all;
	}

	@Override
	public Map<String, byte[]> getXAttrs(Path path, List<String> names) throws IOException {
		Map<String, byte[]> all = getXAttrs(path);
		all.keySet().retainAll(names);
		return all;
	}

	@Override
	public List<String> listXAttrs(Path path) throws IOException {
		return new ArrayList<>(call("list xattrs", path, () -> xattrs(path)).keySet());
	}

	@Override
	public void removeXAttr(Path path, String name) throws IOException {
		call("remove xattr", path, () -> this.namespace.removeXattr(resolve(path).getInodeId(), name));
	}

	private Map<String, ByteString> xattrs(Path path) throws IOException {
		return this.namespace.getInode(resolve(path).getInodeId()).getXattrsMap();
	}

	/** Uploads what open files still buffer, then gives the mount back. */
	@Override
	public void close() throws IOException {
		if (this.session == null) {
			super.close();
			return;
		}
		try {
			// deleteOnExit paths go first, while the session is there
			super.close();
			this.files.flushAll(false);
		}
		finally {
			this.session.close();
			this.session = null;
		}
	}

	// helpers

	private FileStatus status(Inode inode, Path path) {
		boolean directory = inode.getType() == InodeType.DIRECTORY;
		return new FileStatus(inode.getLength(), directory, 1, getDefaultBlockSize(path), inode.getMtimeNs() / 1_000_000L,
				inode.getAtimeNs() / 1_000_000L, new FsPermission((short) (inode.getMode() & 07777)),
				Integer.toUnsignedString(inode.getUid()), Integer.toUnsignedString(inode.getGid()), path);
	}

	/** With this session's buffered writes counted when the file is open here. */
	private Inode attributes(long inodeId) {
		OpenFile file = this.files.get(inodeId);
		return file != null ? file.attributes() : this.namespace.getInode(inodeId);
	}

	private Dentry resolve(Path path) throws IOException {
		String p = pathOf(path);
		Dentry entry = lookup(p);
		if (entry == null) {
			throw new FileNotFoundException("no " + p + " in " + this.uri);
		}
		return entry;
	}

	/** The entry of an absolute path, or null when it is missing (also under a file, as HDFS answers). */
	private Dentry lookup(String path) {
		long root = this.namespace.rootInode();
		Dentry entry = Dentry.newBuilder().setParent(root).setName("/").setInodeId(root).setType(InodeType.DIRECTORY).build();
		for (String name : components(path)) {
			if (entry.getType() != InodeType.DIRECTORY) {
				return null;
			}
			entry = this.namespace.lookup(entry.getInodeId(), name);
			if (entry == null) {
				return null;
			}
		}
		return entry;
	}

	private String pathOf(Path path) {
		return makeQualified(path).toUri().getPath();
	}

	private static List<String> components(String path) {
		List<String> names = new ArrayList<>();
		for (String name : path.split("/")) {
			if (!name.isEmpty()) {
				names.add(name);
			}
		}
		return names;
	}

	private static String parentOf(String path) {
		int slash = path.lastIndexOf('/');
		return slash <= 0 ? "/" : path.substring(0, slash);
	}

	private static String nameOf(String path) {
		return path.substring(path.lastIndexOf('/') + 1);
	}

	/** A call on the file system, with CurveFS errors as the exceptions Hadoop callers expect. */
	private <T> T call(String what, Path path, CurveCall<T> call) throws IOException {
		if (this.session == null) {
			throw new IOException("file system " + this.uri + " is closed");
		}
		try {
			return call.run();
		}
		catch (CurveException ex) {
			throw CurveErrors.toIOException(what + " " + path, ex);
		}
	}

	@FunctionalInterface
	private interface CurveCall<T> {

		T run() throws IOException;

	}

}
