package io.curve4j.fs.fuse;

import java.util.ArrayList;
import java.util.List;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.size_t;
import ru.serce.jnrfuse.FuseException;
import ru.serce.jnrfuse.struct.FuseOperations;

/**
 * libfuse 2's request loop run on Java threads. {@code fuse_main}'s multi-threaded loop
 * calls into Java from threads libfuse starts, and the JVM attached such a thread anew
 * for nearly every call: JFR saw thousands of thread starts a second on a small-file
 * workload, and a file's open, write and close took 2.5 times as long as on a thread the
 * JVM already knew. Here every worker is a Java thread that enters libfuse's
 * single-threaded loop on the one session; the kernel hands each request to one reader,
 * and libfuse's high-level layer locks as in its own multi-threaded loop. Around the
 * loops, {@code fuse_setup} and {@code fuse_teardown} do what {@code fuse_main} does
 * (parse the options, mount; unmount, destroy).
 */
final class FuseSessionThreads {

	/** The part of libfuse 2 that {@code fuse_main} is made of (fuse.h, fuse_lowlevel.h). */
	public interface LibFuse2 {

		Pointer fuse_setup(int argc, String[] argv, FuseOperations op, @size_t long opSize, PointerByReference mountpoint,
				IntByReference multithreaded, Pointer userData);

		Pointer fuse_get_session(Pointer fuse);

		int fuse_session_loop(Pointer session);

		void fuse_teardown(Pointer fuse, Pointer mountpoint);

	}

	private FuseSessionThreads() {
	}

	/**
	 * Mounts with {@code args} (argv as for {@code fuse_main}), serves on {@code threads}
	 * threads until the file system is unmounted, then tears the session down once every
	 * worker has left it.
	 */
	static void serve(FuseOperations operations, String[] args, int threads) throws InterruptedException {
		LibFuse2 lib = load();
		PointerByReference mountPoint = new PointerByReference();
		Pointer fuse = lib.fuse_setup(args.length, args, operations, Struct.size(operations), mountPoint,
				new IntByReference(), null);
		if (fuse == null) {
			throw new FuseException("cannot mount: fuse_setup failed (its message is above, on stderr)");
		}
		Pointer session = lib.fuse_get_session(fuse);
		List<Thread> workers = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			// an unmount ends every worker's read with ENODEV, so each loop returns
			Thread worker = new Thread(() -> lib.fuse_session_loop(session), "fuse-" + i);
			worker.start();
			workers.add(worker);
		}
		for (Thread worker : workers) {
			worker.join();
		}
		lib.fuse_teardown(fuse, mountPoint.getValue());
	}

	private static LibFuse2 load() {
		try {
			return LibraryLoader.create(LibFuse2.class).failImmediately().load("fuse");
		}
		catch (LinkageError ex) {
			// no libfuse.so development link: the runtime library by its soname
			return LibraryLoader.create(LibFuse2.class).failImmediately().load("libfuse.so.2");
		}
	}

}
