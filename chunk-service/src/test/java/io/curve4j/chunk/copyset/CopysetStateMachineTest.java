package io.curve4j.chunk.copyset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;

import io.curve4j.chunk.chunkfile.ChunkFilePool;
import io.curve4j.chunk.chunkfile.ChunkStore;

import static org.assertj.core.api.Assertions.assertThat;

/** The configuration epoch a copyset reports to the MDS, which records changes by it. */
class CopysetStateMachineTest {

	private static final List<String> INITIAL = List.of("127.0.0.1:8201", "127.0.0.1:8202", "127.0.0.1:8203");

	@TempDir
	Path dir;

	@Test
	void firstMembershipChangeOfAFreshReplicaRaisesTheEpoch() throws IOException {
		CopysetStateMachine fsm = stateMachine();
		fsm.onConfigurationCommitted(conf("127.0.0.1:8201", "127.0.0.1:8202", "127.0.0.1:8203", "127.0.0.1:8204"));
		assertThat(fsm.epoch()).isEqualTo(1);
		fsm.onConfigurationCommitted(conf("127.0.0.1:8202", "127.0.0.1:8203", "127.0.0.1:8204"));
		assertThat(fsm.epoch()).isEqualTo(2);
	}

	@Test
	void sameMembersInAnotherOrderOrSpellingAreNoChange() throws IOException {
		CopysetStateMachine fsm = stateMachine();
		fsm.onConfigurationCommitted(conf("127.0.0.1:8203:0", "127.0.0.1:8201", "127.0.0.1:8202"));
		assertThat(fsm.epoch()).isZero();
	}

	private CopysetStateMachine stateMachine() throws IOException {
		ChunkFilePool pool = new ChunkFilePool(this.dir.resolve("pool"), 64 * 1024, 0);
		return new CopysetStateMachine("copyset-1-1", new ChunkStore(this.dir.resolve("chunks"), pool), INITIAL);
	}

	private static Configuration conf(String... peers) {
		Configuration conf = new Configuration();
		for (String peer : peers) {
			conf.addPeer(PeerId.parsePeer(peer));
		}
		return conf;
	}

}
