package io.curve4j.fs.hadoop;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.contract.AbstractContractSeekTest;
import org.apache.hadoop.fs.contract.AbstractFSContract;
import org.junit.jupiter.api.Tag;

@Tag("fs")
class CurveFsContractSeekIT extends AbstractContractSeekTest {

	@Override
	protected AbstractFSContract createContract(Configuration conf) {
		return new CurveFsContract(conf);
	}

}
