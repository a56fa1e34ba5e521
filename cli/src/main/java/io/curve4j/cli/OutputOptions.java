package io.curve4j.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import picocli.CommandLine.Option;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code --output text|json} of the commands that print data. JSON is what the SDK or the
 * MDS answered, serialized as it is (like {@code rbd --format json}): one document on
 * stdout, camelCase field names, sizes in bytes, times and durations in ISO-8601.
 */
final class OutputOptions {

	/** Named as they are typed on the command line. */
	enum Format {

		text, json

	}

	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(SerializationFeature.INDENT_OUTPUT)
		// isDirectory(), isNone() and such are derived from fields already written
		.changeDefaultVisibility((visibility) -> visibility.withIsGetterVisibility(Visibility.NONE))
		.build();

	@Option(names = "--output", defaultValue = "text", paramLabel = "FORMAT",
			description = "text (the default) or json: one JSON document, sizes in bytes, times and durations in ISO-8601.")
	Format format;

	/** Prints {@code data} as JSON with --output json, else as {@code text} writes it. */
	void print(PrintWriter out, Object data, Consumer<PrintWriter> text) {
		if (this.format == Format.json) {
			out.println(JSON.writeValueAsString(data));
		}
		else {
			text.accept(out);
		}
		out.flush();
	}

}
