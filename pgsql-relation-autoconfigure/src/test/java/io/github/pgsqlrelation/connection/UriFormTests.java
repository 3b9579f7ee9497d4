package io.github.pgsqlrelation.connection;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The URI form. The first rows are the examples of the PostgreSQL manual ("Connection
 * URIs"); expectations are what libpq's {@code PQconninfoParse} returns, except that a
 * port list with no port at all is left out rather than kept as {@code ","}.
 */
class UriFormTests {

	@ParameterizedTest(name = "[{index}] {0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					postgresql://                                                   |
					postgresql://localhost                                          | host=localhost
					postgresql://localhost:5433                                     | host=localhost;port=5433
					postgresql://localhost/mydb                                     | host=localhost;dbname=mydb
					postgresql://user@localhost                                     | user=user;host=localhost
					postgresql://user:Wd5gYp@localhost                              | user=user;password=Wd5gYp;host=localhost
					postgresql://other@localhost/otherdb?connect_timeout=10&application_name=myapp | user=other;host=localhost;dbname=otherdb;connect_timeout=10;application_name=myapp
					postgresql://host1:123,host2:456/somedb?target_session_attrs=any&application_name=myapp | host=host1,host2;port=123,456;dbname=somedb;target_session_attrs=any;application_name=myapp
					postgresql://[2001:db8::1234]/database                          | host=2001:db8::1234;dbname=database
					postgresql:///dbname?host=/var/lib/postgresql                   | dbname=dbname;host=/var/lib/postgresql
					postgresql://%2Fvar%2Flib%2Fpostgresql/dbname                   | host=/var/lib/postgresql;dbname=dbname
					postgres://u:p:q@h/d                                            | user=u;password=p:q;host=h;dbname=d
					postgresql://u@h@i/d                                            | user=u;host=h@i;dbname=d
					postgresql://:5433                                              | port=5433
					postgresql://@h                                                 | host=h
					postgresql://:Wd5gYp@h                                          | password=Wd5gYp;host=h
					postgresql://u:@h                                               | user=u;host=h
					postgresql://h:/d                                               | host=h;dbname=d
					postgresql://h/                                                 | host=h
					postgresql://h/?                                                | host=h
					postgresql://h1,h2/d                                            | host=h1,h2;dbname=d
					postgresql://h1,h2:5/d                                          | host=h1,h2;port=,5;dbname=d
					postgresql://[::1]:5,h2:6/d                                     | host=::1,h2;port=5,6;dbname=d
					postgresql://[fe80::1%25eth0]/d                                 | host=fe80::1%eth0;dbname=d
					postgresql://h/d/e                                              | host=h;dbname=d/e
					postgresql://h/d%20x?application_name=a+b                       | host=h;dbname=d x;application_name=a+b
					postgresql://h/d?host=x&dbname=y                                | host=x;dbname=y
					postgresql://h/d?port=5432&host=x,y                             | host=x,y;dbname=d;port=5432
					postgresql://h?user=                                            | host=h;user=
					postgresql://h?user=a&                                          | host=h;user=a
					postgresql://h?ssl=true                                         | host=h;sslmode=require
					postgresql://h/d?sslmode=require&ssl=true                       | host=h;dbname=d;sslmode=require
					postgresql://%E2%82%AC@h/%C3%A9t%C3%A9                          | user=€;host=h;dbname=été
					postgresql://u:pass?word@h/d                                    | user=u;password=pass?word;host=h;dbname=d
					""")
	void parsesLikeLibpq(String text, String expected) {
		assertThat(ConnectionString.parse(text).keywords()).isEqualTo(Expected.keywords(expected));
	}

	@ParameterizedTest(name = "[{index}] {0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					postgresql://%zz@x             | 13 | Invalid percent-encoding at position 13: '%' must be followed by two hexadecimal digits
					postgresql://h/%4              | 15 | Invalid percent-encoding at position 15: '%' must be followed by two hexadecimal digits
					postgresql://h/d?user=a%       | 23 | Invalid percent-encoding at position 23: '%' must be followed by two hexadecimal digits
					postgresql://h/%00             | 15 | Forbidden percent-encoded NUL (%00) at position 15
					postgresql://h:abc/d           | 15 | Invalid port at position 15: expected a number from 1 to 65535
					postgresql://h1:5,h2:99999/d   | 21 | Invalid port at position 21: expected a number from 1 to 65535
					postgresql://h/d?port=x        | 22 | Invalid port at position 22: expected a number from 1 to 65535
					postgresql://[::1/d            | 13 | IPv6 address opened with '[' at position 13 is not closed with ']'
					postgresql://[::1              | 13 | IPv6 address opened with '[' at position 13 is not closed with ']'
					postgresql://[]/d              | 13 | Empty IPv6 address at position 13
					postgresql://[::1]x/d          | 18 | Unexpected character at position 18: expected ':', ',', '/' or '?' after an IPv6 address
					postgresql://h?foo=1           | 15 | Unknown keyword 'foo' at position 15
					postgresql://h/d?port=1,%41    | 22 | Invalid port in the value at position 22: expected a number from 1 to 65535
					postgresql://h?x%40Pw1=1       | 15 | Unknown keyword at position 15
					postgresql://h?=x              | 15 | Empty keyword at position 15
					postgresql://h?a               | 15 | Missing '=' in the query parameter starting at position 15
					postgresql://h?host=x=y        | 15 | Extra '=' in the query parameter starting at position 15: encode it as %3D
					postgresql://h?ssl=false       | 19 | Invalid value of the query parameter 'ssl' at position 19: only 'true' is accepted
					""")
	void reportsSyntaxErrorsWithTheirZeroBasedPosition(String text, int position, String message) {
		assertThatExceptionOfType(ConnectionStringException.class).isThrownBy(() -> ConnectionString.parse(text))
			.withMessage(message)
			.satisfies((ex) -> assertThat(ex.getPosition()).isEqualTo(position));
	}

}
