package io.github.pgsqlrelation.relation.pgsql;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UnitNameOrderTests {

	@Test
	void ordersUnitNumbersAsNumbers() {
		List<String> names = new ArrayList<>(List.of("postgresql/10", "postgresql/2", "postgresql/0", "postgresql/1"));
		names.sort(UnitNameOrder.INSTANCE);
		assertThat(names).containsExactly("postgresql/0", "postgresql/1", "postgresql/2", "postgresql/10");
	}

	@Test
	void ordersByApplicationFirst() {
		List<String> names = new ArrayList<>(List.of("pg/2", "pg2/1", "pg/10"));
		names.sort(UnitNameOrder.INSTANCE);
		assertThat(names).containsExactly("pg/2", "pg/10", "pg2/1");
	}

	@Test
	void keepsDifferentSpellingsOfOneNumberApart() {
		assertThat(UnitNameOrder.INSTANCE.compare("pg/01", "pg/1")).isNotZero();
	}

	@Test
	void ordersNamesWithoutNumbersAsText() {
		assertThat(UnitNameOrder.INSTANCE.compare("pg/a", "pg/b")).isNegative();
		assertThat(UnitNameOrder.INSTANCE.compare("pg", "pg/0")).isNegative();
	}

}
