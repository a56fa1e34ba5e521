package io.curve4j.common.raft;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;

import io.curve4j.common.error.CurveException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the base does for every state machine: skip what the state holds, count rejections as applied, name members alike. */
class JraftStateMachineTest {

	@Test
	void entriesTheStateAlreadyHoldsAreSkippedWithoutDecoding() {
		RaftGroupTest.ListStateMachine machine = new RaftGroupTest.ListStateMachine();
		assertThat(machine.applyEntry(1, utf8("a"))).isEqualTo(1);
		assertThat(machine.applyEntry(1, utf8("a"))).isNull();
		assertThat(machine.applyEntry(2, utf8("b"))).isEqualTo(2);
		assertThat(machine.applied).containsExactly("a", "b");
		assertThat(machine.appliedIndex()).isEqualTo(2);
	}

	@Test
	void aRejectedEntryCountsAsAppliedAndChangesNothing() {
		RaftGroupTest.ListStateMachine machine = new RaftGroupTest.ListStateMachine();
		assertThatThrownBy(() -> machine.applyEntry(1, utf8("bad"))).isInstanceOf(CurveException.class);
		assertThat(machine.appliedIndex()).isEqualTo(1);
		assertThat(machine.applied).isEmpty();
	}

	@Test
	void membersAreReportedAsEndpointsWhateverTheirSpelling() {
		List<List<String>> seen = new ArrayList<>();
		CommandStateMachine<String> machine = new RaftGroupTest.ListStateMachine() {
			@Override
			protected void membersCommitted(List<String> peers) {
				seen.add(peers);
			}
		};
		new JraftStateMachine(machine, new RaftMetrics(Map.of())).onConfigurationCommitted(conf("127.0.0.1:8203:0", "127.0.0.1:8201"));
		assertThat(seen).containsExactly(List.of("127.0.0.1:8203", "127.0.0.1:8201"));
		assertThat(machine.committedPeers()).containsExactly("127.0.0.1:8203", "127.0.0.1:8201");
	}

	private static ByteBuffer utf8(String s) {
		return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
	}

	private static Configuration conf(String... peers) {
		Configuration conf = new Configuration();
		for (String peer : peers) {
			conf.addPeer(PeerId.parsePeer(peer));
		}
		return conf;
	}

}
