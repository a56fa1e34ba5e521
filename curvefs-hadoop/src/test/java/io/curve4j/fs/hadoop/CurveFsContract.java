package io.curve4j.fs.hadoop;

import java.io.IOException;
import java.net.URI;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.contract.AbstractFSContract;

/** CurveFS for Hadoop's contract tests: what it supports is declared in {@code contract/curvefs.xml}. */
final class CurveFsContract extends AbstractFSContract {

	private FileSystem fs;

	CurveFsContract(Configuration conf) {
		super(TestCluster.get().configure(conf));
		addConfResource("contract/curvefs.xml");
	}

	@Override
	public void init() throws IOException {
		super.init();
		this.fs = FileSystem.get(URI.create(CurveFileSystem.SCHEME + "://" + TestCluster.FS + "/"), getConf());
	}

	@Override
	public FileSystem getTestFileSystem() {
		return this.fs;
	}

	@Override
	public String getScheme() {
		return CurveFileSystem.SCHEME;
	}

	@Override
	public Path getTestPath() {
		return new Path("/test");
	}

}
