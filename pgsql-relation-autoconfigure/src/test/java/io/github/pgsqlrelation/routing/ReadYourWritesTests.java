package io.github.pgsqlrelation.routing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReadYourWrites} and {@link WritePosition}, without a server.
 */
class ReadYourWritesTests {

	@Test
	void withoutABindingEachThreadHasItsOwnPosition() throws Exception {
		ReadYourWrites.forWrite().advance("db", 100);
		assertThat(ReadYourWrites.forRead().required("db")).isGreaterThanOrEqualTo(100);
		long elsewhere = CompletableFuture.supplyAsync(() -> ReadYourWrites.forRead().required("db")).get();
		assertThat(elsewhere).isZero();
	}

	@Test
	void aBindingReplacesTheThreadsPositionUntilClosedAndBindingsNest() {
		WritePosition outer = new WritePosition();
		WritePosition inner = new WritePosition();
		try (ReadYourWrites.Binding first = ReadYourWrites.bind(outer)) {
			ReadYourWrites.forWrite().advance("db", 10);
			try (ReadYourWrites.Binding second = ReadYourWrites.bind(inner)) {
				ReadYourWrites.forWrite().advance("db", 20);
				assertThat(ReadYourWrites.forRead()).isSameAs(inner);
			}
			assertThat(ReadYourWrites.forRead()).isSameAs(outer);
		}
		assertThat(ReadYourWrites.forRead()).isNotSameAs(outer).isNotSameAs(inner);
		assertThat(outer.required("db")).isEqualTo(10);
		assertThat(inner.required("db")).isEqualTo(20);
	}

	@Test
	void aScopeWithoutAPositionAsksNothingOfReads() {
		try (ReadYourWrites.Binding binding = ReadYourWrites.bind(new ReadYourWrites.Scope() {

			@Override
			public WritePosition forRead() {
				return null;
			}

			@Override
			public WritePosition forWrite() {
				throw new AssertionError("not written");
			}

		})) {
			assertThat(ReadYourWrites.forRead()).isNull();
		}
	}

	@Test
	void aPositionNeverMovesBackByAWriteAndIsKeptPerEndpoint() {
		WritePosition position = new WritePosition();
		position.advance("db", 300);
		position.advance("db", 200);
		position.advance("other", 50);
		assertThat(position.required("db")).isEqualTo(300);
		assertThat(position.required("other")).isEqualTo(50);
		assertThat(position.required("none")).isZero();
		assertThat(position.toString()).startsWith("WritePosition[").contains("db=0/12C", "other=0/32", ", ");
	}

	@Test
	void aPositionIsLoweredToTheMastersOnlyIfNoNewerWriteCameMeanwhile() {
		WritePosition position = new WritePosition();
		position.advance("db", 1000);
		position.lowerTo("db", 900, 500);
		assertThat(position.required("db")).as("another write moved it").isEqualTo(1000);
		position.lowerTo("db", 1000, 1200);
		assertThat(position.required("db")).as("the master has it").isEqualTo(1000);
		position.lowerTo("db", 1000, 500);
		assertThat(position.required("db")).isEqualTo(500);
	}

	@Test
	void aPositionSurvivesSerializationAsInAReplicatedSession() throws Exception {
		WritePosition position = new WritePosition();
		position.advance("db", 4242);
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
			out.writeObject(position);
		}
		try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
			assertThat(((WritePosition) in.readObject()).required("db")).isEqualTo(4242);
		}
	}

}
