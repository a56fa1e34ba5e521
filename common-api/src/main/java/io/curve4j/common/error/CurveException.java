package io.curve4j.common.error;

/**
 * The one exception type every Curve4J layer throws for a known condition. The code says
 * what happened (and whether a retry helps); the detail says what to change.
 */
public class CurveException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final ErrorCode code;

	public CurveException(ErrorCode code, String detail) {
		super(detail);
		this.code = code;
	}

	public CurveException(ErrorCode code, String detail, Throwable cause) {
		super(detail, cause);
		this.code = code;
	}

	public ErrorCode code() {
		return this.code;
	}

	public String detail() {
		return getMessage();
	}

	@Override
	public String toString() {
		return this.code + ": " + getMessage();
	}

}
