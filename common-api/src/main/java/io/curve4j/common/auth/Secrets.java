package io.curve4j.common.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Secrets given to a service as a value or, better, as a file whose first line holds
 * them (so they stay off command lines): root's password, the cluster's join token.
 */
public final class Secrets {

	private Secrets() {
	}

	/**
	 * The secret from {@code file} when set, else {@code value}; null when neither is.
	 * @param fileProperty the property naming the file, for error messages
	 */
	public static String resolve(String value, Path file, String fileProperty) {
		if (file != null) {
			String first = firstLine(file);
			if (first.isEmpty()) {
				throw new IllegalStateException(fileProperty + " " + file + " is empty");
			}
			return first;
		}
		return value == null || value.isBlank() ? null : value;
	}

	/** The first line of a secret file, stripped; empty for an empty file. */
	public static String firstLine(Path file) {
		try {
			return Files.readAllLines(file).stream().findFirst().orElse("").strip();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + file, ex);
		}
	}

}
