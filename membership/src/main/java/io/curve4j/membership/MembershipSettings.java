package io.curve4j.membership;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a server of copysets tells the MDS about itself and how it reaches it.
 *
 * @param role "chunkserver" or "metaserver", for thread names and logs
 * @param identityFile where the id and token the MDS knows this server by are kept
 * @param dataDir the directory whose disk use the heartbeats report
 * @param host address clients and peers reach this server at
 * @param raftPort port of its Raft server
 * @param serverName the topology server it runs on
 * @param mdsMembers gRPC addresses of the MDS members: fixed, or a registry asked again at each failover
 * @param mdsTimeout per MDS call
 * @param heartbeatInterval between heartbeats
 * @param joinToken the cluster's join token for a first registration (null when none)
 * @param chunkSize bytes per chunk of a chunkserver; 0 for the default (and for metaservers)
 */
public record MembershipSettings(String role, Path identityFile, Path dataDir, String host, int raftPort,
		String serverName, Supplier<List<String>> mdsMembers, Duration mdsTimeout, Duration heartbeatInterval,
		Supplier<String> joinToken, int chunkSize) {

}
