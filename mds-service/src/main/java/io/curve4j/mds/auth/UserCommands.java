package io.curve4j.mds.auth;

import java.util.Set;

import org.springframework.stereotype.Component;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;
import io.curve4j.mds.raft.MdsCommandHandler;
import io.curve4j.mds.raft.MdsSchema;
import io.curve4j.mds.raft.MdsTx;
import io.curve4j.proto.mds.v1.CreateUserCommand;
import io.curve4j.proto.mds.v1.MdsCommand;
import io.curve4j.proto.mds.v1.UserRecord;

/** Applies user changes; names and passwords were validated, and keys derived, by the leader. */
@Component
class UserCommands implements MdsCommandHandler {

	@Override
	public Set<MdsCommand.CommandCase> commands() {
		return Set.of(MdsCommand.CommandCase.CREATE_USER, MdsCommand.CommandCase.DELETE_USER);
	}

	@Override
	public Object apply(MdsCommand command, MdsTx tx) {
		return switch (command.getCommandCase()) {
			case CREATE_USER -> create(command.getCreateUser(), tx);
			case DELETE_USER -> delete(command.getDeleteUser().getName(), tx);
			default -> throw new IllegalArgumentException(command.getCommandCase().name());
		};
	}

	private UserRecord create(CreateUserCommand command, MdsTx tx) {
		String key = command.getName();
		if (tx.get(MdsSchema.USERS, key).isPresent()) {
			throw new CurveException(ErrorCode.USER_EXISTS, "user " + command.getName() + " exists");
		}
		UserRecord user = UserRecord.newBuilder()
			.setName(command.getName())
			.setPassword(command.getPassword())
			.setSigningKey(command.getSigningKey())
			.setCtimeMs(command.getCtimeMs())
			.build();
		tx.put(MdsSchema.USERS, key, user);
		return user;
	}

	private UserRecord delete(String name, MdsTx tx) {
		UserRecord user = tx.get(MdsSchema.USERS, name)
			.orElseThrow(() -> new CurveException(ErrorCode.USER_NOT_FOUND, "no user " + name));
		tx.delete(MdsSchema.USERS, name);
		return user;
	}

}
