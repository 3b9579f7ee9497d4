package io.github.pgsqlrelation.relation.pgsql;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Subnet}.
 */
class SubnetTests {

	@ParameterizedTest(name = "{0} granted by {1}: {2}")
	@CsvSource(delimiter = ';', textBlock = """
			10.252.20.58/32; 10.252.20.58/32; true
			10.252.20.58/32; 10.252.20.0/24; true
			10.252.20.58/32; 10.252.21.0/24; false
			10.252.20.0/24; 10.252.20.0/25; false
			10.252.20.0/24; 10.0.0.0/8; true
			10.252.20.58/32; 0.0.0.0/0; true
			10.252.20.58; 10.252.20.0/28; false
			10.252.20.5; 10.252.20.0/28; true
			192.0.2.129/32; 192.0.2.128/25; true
			192.0.2.127/32; 192.0.2.128/25; false
			2001:db8::1/128; 2001:db8::/32; true
			2001:db9::1/128; 2001:db8::/32; false
			2001:db8::1/128; 10.0.0.0/8; false
			myhost/32; myhost/32; true
			myhost/32; 10.0.0.0/8; false
			10.0.0.1/33; 10.0.0.0/8; false
			""")
	void grantsSubnetsListedOrInsideAWiderOne(String egress, String allowed, boolean granted) {
		assertThat(Subnet.granted(egress, List.of(allowed))).isEqualTo(granted);
	}

}
