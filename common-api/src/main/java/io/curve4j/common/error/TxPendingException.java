package io.curve4j.common.error;

/**
 * A name is held by a CurveFS rename transaction that is not resolved yet. Carries the
 * transaction's id (the "curve-tx-id" trailer), so the caller can ask the MDS how it
 * ended, resolve it on the partition and retry.
 */
public class TxPendingException extends CurveException {

	private static final long serialVersionUID = 1L;

	private final long txId;

	public TxPendingException(long txId, String name) {
		super(ErrorCode.TX_PENDING, "'" + name + "' is held by rename transaction " + txId);
		this.txId = txId;
	}

	TxPendingException(long txId, String detail, boolean fromStatus) {
		super(ErrorCode.TX_PENDING, detail);
		this.txId = txId;
	}

	public long txId() {
		return this.txId;
	}

}
