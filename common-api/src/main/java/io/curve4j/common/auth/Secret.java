package io.curve4j.common.auth;

import java.nio.file.Path;

/**
 * A secret in a service's properties ({@code <name>.file}, or {@code <name>.value} for
 * tests): the file's first line is better, since it keeps the secret off command lines.
 */
public class Secret {

	/**
	 * The secret itself. Prefer {@link #file}.
	 */
	private String value;

	/**
	 * File whose first line is the secret. Must exist when set.
	 */
	private Path file;

	/**
	 * The secret from the file when set, else the value; null when neither is.
	 * @param property the property's name, for error messages
	 */
	public String resolve(String property) {
		return Secrets.resolve(this.value, this.file, property + ".file");
	}

	public String getValue() {
		return this.value;
	}

	public void setValue(String value) {
		this.value = value;
	}

	public Path getFile() {
		return this.file;
	}

	public void setFile(Path file) {
		this.file = file;
	}

}
