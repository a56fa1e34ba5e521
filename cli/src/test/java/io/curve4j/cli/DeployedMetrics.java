package io.curve4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The metric names the shipped Grafana dashboards and Prometheus alert rules
 * ({@code deploy/}) query, read from their PromQL, and the names an exposition in
 * Prometheus text format offers: a dashboard panel or an alert on a metric nobody exports
 * shows nothing and fires never.
 */
public final class DeployedMetrics {

	/** Series Prometheus makes itself. */
	static final Set<String> SYNTHETIC = Set.of("up", "scrape_duration_seconds");

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final Pattern EXPR_LINE = Pattern.compile("^\\s*expr:\\s*(.+)$", Pattern.MULTILINE);

	private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");

	private static final Pattern LABEL_LISTS = Pattern
		.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

	private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

	private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
			"group_right", "bool", "and", "or", "unless", "offset", "inf", "nan");

	private DeployedMetrics() {
	}

	/** Every metric the dashboards under {@code dashboards} and the rule files under {@code rules} query. */
	static Set<String> queried(Path dashboards, Path rules) {
		Set<String> names = new TreeSet<>();
		for (Path dashboard : files(dashboards, ".json")) {
			JsonNode root = JsonMapper.shared().readTree(dashboard.toFile());
			for (JsonNode expr : root.findValues("expr")) {
				names.addAll(namesIn(expr.asString()));
			}
		}
		for (Path ruleFile : files(rules, ".yml")) {
			Matcher m = EXPR_LINE.matcher(read(ruleFile));
			while (m.find()) {
				names.addAll(namesIn(m.group(1)));
			}
		}
		return names;
	}

	/** The metric names one PromQL expression selects (functions, labels and keywords left out). */
	static Set<String> namesIn(String promQl) {
		String bare = QUOTED.matcher(promQl).replaceAll("\"\"");
		bare = bare.replaceAll("\\{[^}]*\\}", " ").replaceAll("\\[[^\\]]*\\]", " ");
		bare = LABEL_LISTS.matcher(bare).replaceAll(" ");
		Set<String> names = new TreeSet<>();
		Matcher m = NAME.matcher(bare);
		while (m.find()) {
			String name = m.group();
			boolean call = bare.substring(m.end()).stripLeading().startsWith("(");
			boolean partOfNumber = m.start() > 0 && Character.isDigit(bare.charAt(m.start() - 1));
			if (!call && !partOfNumber && !KEYWORDS.contains(name.toLowerCase()) && !name.startsWith("$")) {
				names.add(name);
			}
		}
		return names;
	}

	/** The metric names in an exposition in Prometheus text format. */
	static Set<String> exposed(String exposition) {
		Set<String> names = new TreeSet<>();
		exposition.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).forEach(line -> {
			Matcher m = NAME.matcher(line);
			if (m.lookingAt()) {
				names.add(m.group());
			}
		});
		return names;
	}

	/** What the service at {@code host:port} serves on {@code /actuator/prometheus}. */
	public static String scrape(String httpAddress) throws IOException, InterruptedException {
		HttpResponse<String> answer = HTTP.send(
				HttpRequest.newBuilder(URI.create("http://" + httpAddress + "/actuator/prometheus")).build(),
				HttpResponse.BodyHandlers.ofString());
		if (answer.statusCode() != 200) {
			throw new IOException(httpAddress + " answered " + answer.statusCode() + " for /actuator/prometheus");
		}
		return answer.body();
	}

	private static List<Path> files(Path dir, String suffix) {
		try (Stream<Path> all = Files.list(dir)) {
			return all.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
