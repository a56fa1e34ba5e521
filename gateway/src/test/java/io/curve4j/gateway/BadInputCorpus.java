package io.curve4j.gateway;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.curve4j.common.auth.RequestSignature;

/**
 * Generated bad requests: malformed and mistyped JSON, missing and unknown fields,
 * oversized bodies, path traversal and over-long names, impossible sizes, bad paging,
 * bad credentials and another user's volume. Each must be refused with a 4xx
 * problem+json and change nothing.
 */
final class BadInputCorpus {

	/** One bad request; {@code client} says who sends it. */
	record Case(String name, ApiClient client, String method, String path, String contentType, String body) {
	}

	private static final long GIB = 1L << 30;

	private BadInputCorpus() {
	}

	/**
	 * @param root root's client; @param mallory a user without volumes
	 * @param anonymous a client without credentials; @param foreignId a volume mallory does not own
	 */
	static List<Case> generate(ApiClient root, ApiClient mallory, ApiClient anonymous, long foreignId) {
		List<Case> cases = new ArrayList<>();
		List<String> malformed = List.of("{", "}", "{\"path\":", "{\"path\" \"/x\"}", "[", "[]", "null", "42", "\"text\"",
				"{'path':'/x','size':1073741824}", "{\"path\":\"/x\",}", "{\"path\":\"/x\" \"size\":1}", "<xml/>",
				"{\"path\":\"/x\",\"size\":1073741824", "\u0000", "{\"path\":\"/\u0000\"", "true");
		List<String> jsonEndpoints = List.of("/api/v1/volumes", "/api/v1/directories", "/api/v1/volumes/rename",
				"/api/v1/volumes/extend", "/api/v1/users", "/api/v1/volumes/" + foreignId + "/extend",
				"/api/v1/volumes/" + foreignId + "/rename");
		for (String endpoint : jsonEndpoints) {
			for (String body : malformed) {
				cases.add(new Case("malformed " + body, root, "POST", endpoint, "application/json", body));
			}
			cases.add(new Case("empty body", root, "POST", endpoint, "application/json", ""));
			cases.add(new Case("not JSON", root, "POST", endpoint, "text/plain", "path=/x"));
			cases.add(new Case("unknown field", root, "POST", endpoint, "application/json",
					"{\"path\":\"/bad/v\",\"newPath\":\"/bad/w\",\"size\":1073741824,\"name\":\"x\",\"password\":\"p\",\"colour\":\"red\"}"));
			cases.add(new Case("oversized", root, "POST", endpoint, "application/json",
					"{\"path\":\"/" + "a".repeat(200_000) + "\",\"size\":1073741824}"));
		}
		List<String> wrongTypes = List.of("{\"path\":\"/v\",\"size\":\"ten\"}", "{\"path\":\"/v\",\"size\":true}",
				"{\"path\":\"/v\",\"size\":[1]}", "{\"path\":\"/v\",\"size\":{}}", "{\"path\":5,\"size\":1073741824}",
				"{\"path\":[\"/v\"],\"size\":1073741824}", "{\"path\":{},\"size\":1073741824}",
				"{\"path\":\"/v\",\"size\":1e400}", "{\"path\":\"/v\",\"size\":99999999999999999999999}",
				"{\"path\":\"/v\",\"size\":\"1GiB\"}", "{\"path\":\"/v\"}", "{\"size\":1073741824}", "{}",
				"{\"path\":null,\"size\":1073741824}", "{\"path\":\"/v\",\"size\":null}", "{\"path\":\"\",\"size\":1073741824}",
				"{\"path\":\"   \",\"size\":1073741824}");
		for (String body : wrongTypes) {
			cases.add(new Case("wrong type " + body, root, "POST", "/api/v1/volumes", "application/json", body));
		}
		String longName = "n".repeat(256);
		List<String> badPaths = new ArrayList<>(List.of("/a/../b", "/..", "/.", "/a/./b", "//x", "/x/", "/x//y", "x",
				"relative/path", "/a\u0000b", "/" + longName, "/" + "d/".repeat(2100) + "v", "/bad/..", "/bad/../../etc",
				"\\windows\\path", "/nodir/v"));
		for (String path : badPaths) {
			cases.add(new Case("volume path " + abbreviate(path), root, "POST", "/api/v1/volumes", "application/json",
					ApiClient.JSON.writeValueAsString(Map.of("path", path, "size", GIB))));
			cases.add(new Case("directory path " + abbreviate(path), root, "POST", "/api/v1/directories",
					"application/json", ApiClient.JSON.writeValueAsString(Map.of("path", path))));
			cases.add(new Case("rename to " + abbreviate(path), root, "POST", "/api/v1/volumes/" + foreignId + "/rename",
					"application/json", ApiClient.JSON.writeValueAsString(Map.of("path", path))));
			cases.add(new Case("stat " + abbreviate(path), root, "GET",
					"/api/v1/volumes/info?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8),
					null, null));
		}
		List<Long> badSizes = List.of(-1L, 0L, 1L, GIB - 1, GIB + 1, Long.MAX_VALUE, Long.MIN_VALUE, -GIB,
				2048L * 1024 * GIB, (Long.MAX_VALUE / GIB) * GIB);
		for (long size : badSizes) {
			cases.add(new Case("create size " + size, root, "POST", "/api/v1/volumes", "application/json",
					"{\"path\":\"/bad/s\",\"size\":" + size + "}"));
			cases.add(new Case("extend size " + size, root, "POST", "/api/v1/volumes/" + foreignId + "/extend",
					"application/json", "{\"size\":" + size + "}"));
		}
		List<String> lists = List.of("/api/v1/volumes", "/api/v1/directories", "/api/v1/copysets", "/api/v1/users",
				"/api/v1/topology/chunkservers", "/api/v1/topology/servers");
		List<String> badPaging = List.of("sort=colour", "sort=password", "sort=id,sideways,name", "sort=;drop",
				"size=0", "size=-1", "size=1001", "size=999999999999", "size=abc", "page=-1", "page=x",
				"page=99999999999", "size=1.5");
		for (String list : lists) {
			for (String query : badPaging) {
				cases.add(new Case("paging " + query, root, "GET", list + "?" + query, null, null));
			}
		}
		long now = System.currentTimeMillis();
		List<ApiClient> badCredentials = List.of(anonymous,
				anonymous.withHeaders(Map.of("Authorization", "Bearer nonsense")),
				anonymous.withHeaders(Map.of("Authorization", "Bearer cv1.cm9vdA.99999999999999.AAAA")),
				anonymous.withHeaders(Map.of("Authorization", "Bearer cv1.cm9vdA.1.AAAA")),
				anonymous.withHeaders(Map.of("Authorization", "Basic cm9vdDpyb290")),
				signedAt(anonymous, "root", "wrong-password", now),
				signedAt(anonymous, "nobody", "whatever-password", now),
				signedAt(anonymous, "root", GatewayCluster.ROOT_PASSWORD, now - 20 * 60_000),
				signedAt(anonymous, "root", GatewayCluster.ROOT_PASSWORD, now + 20 * 60_000),
				anonymous.withHeaders(Map.of(RequestSignature.OWNER_HEADER, "root", RequestSignature.DATE_HEADER,
						"yesterday", RequestSignature.SIGNATURE_HEADER, "abc")),
				anonymous.withHeaders(Map.of(RequestSignature.SIGNATURE_HEADER, "abc")));
		for (ApiClient client : badCredentials) {
			cases.add(new Case("credentials list", client, "GET", "/api/v1/volumes", null, null));
			cases.add(new Case("credentials create", client, "POST", "/api/v1/volumes", "application/json",
					"{\"path\":\"/bad/c\",\"size\":1073741824}"));
			cases.add(new Case("credentials delete", client, "DELETE", "/api/v1/volumes/" + foreignId, null, null));
			cases.add(new Case("credentials token", client, "POST", "/api/v1/tokens", null, null));
		}
		String foreign = "/api/v1/volumes/" + foreignId;
		cases.add(new Case("other's volume get", mallory, "GET", foreign, null, null));
		cases.add(new Case("other's volume extend", mallory, "POST", foreign + "/extend", "application/json",
				"{\"size\":" + 64 * GIB + "}"));
		cases.add(new Case("other's volume rename", mallory, "POST", foreign + "/rename", "application/json",
				"{\"path\":\"/stolen\"}"));
		cases.add(new Case("other's volume delete", mallory, "DELETE", foreign, null, null));
		cases.add(new Case("other's volume attach", mallory, "POST", foreign + "/attachments", null, null));
		cases.add(new Case("other's volume detach", mallory, "DELETE", foreign + "/attachments", null, null));
		cases.add(new Case("other's volume by path", mallory, "GET", "/api/v1/volumes/info?path=/alice/v1", null, null));
		cases.add(new Case("other's directory", mallory, "GET", "/api/v1/directories?path=/alice", null, null));
		cases.add(new Case("create in other's directory", mallory, "POST", "/api/v1/volumes", "application/json",
				"{\"path\":\"/alice/planted\",\"size\":1073741824}"));
		cases.add(new Case("create for another owner", mallory, "POST", "/api/v1/volumes", "application/json",
				"{\"path\":\"/planted\",\"size\":1073741824,\"owner\":\"alice\"}"));
		cases.add(new Case("delete by path", mallory, "DELETE", "/api/v1/volumes?path=/alice/v1", null, null));
		cases.add(new Case("user create by non-root", mallory, "POST", "/api/v1/users", "application/json",
				"{\"name\":\"eve\",\"password\":\"password-123\"}"));
		cases.add(new Case("user list by non-root", mallory, "GET", "/api/v1/users", null, null));
		cases.add(new Case("delete root", root, "DELETE", "/api/v1/users/root", null, null));
		cases.add(new Case("delete nobody", root, "DELETE", "/api/v1/users/nobody", null, null));
		cases.add(new Case("bad user name", root, "POST", "/api/v1/users", "application/json",
				"{\"name\":\"../etc\",\"password\":\"password-123\"}"));
		cases.add(new Case("short password", root, "POST", "/api/v1/users", "application/json",
				"{\"name\":\"shorty\",\"password\":\"123\"}"));
		cases.add(new Case("unknown volume", root, "GET", "/api/v1/volumes/987654321", null, null));
		cases.add(new Case("non-numeric id", root, "GET", "/api/v1/volumes/abc", null, null));
		cases.add(new Case("huge id", root, "GET", "/api/v1/volumes/99999999999999999999999", null, null));
		cases.add(new Case("unknown copyset", root, "GET", "/api/v1/copysets/9/9", null, null));
		cases.add(new Case("unknown chunkserver", root, "GET", "/api/v1/topology/chunkservers/77", null, null));
		cases.add(new Case("unknown endpoint", root, "GET", "/api/v1/nothing-here", null, null));
		cases.add(new Case("wrong method", root, "PUT", "/api/v1/volumes", "application/json", "{}"));
		cases.add(new Case("gateway page missing", anonymous, "GET", "/no-such-page", null, null));
		cases.add(new Case("bad topology", root, "POST", "/api/v1/topology", "application/yaml", "servers: [ {"));
		return cases;
	}

	private static ApiClient signedAt(ApiClient base, String user, String password, long date) {
		// signs some other request: these are refused for their user, key or date before the request matters
		RequestSignature.Signed signed = new RequestSignature.Signed("GET", "/", "", RequestSignature.sha256Hex(new byte[0]),
				date, "n", user);
		return base.withHeaders(Map.of(RequestSignature.OWNER_HEADER, user, RequestSignature.DATE_HEADER,
				Long.toString(date), RequestSignature.NONCE_HEADER, "n", RequestSignature.SIGNATURE_HEADER,
				RequestSignature.sign(RequestSignature.signingKey(user, password), signed)));
	}

	private static String abbreviate(String s) {
		return s.length() > 40 ? s.substring(0, 40) + "..." : s;
	}

}
