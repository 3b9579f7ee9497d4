package io.github.pgsqlrelation.relation.pgsql;

import java.util.Comparator;

/**
 * Orders Juju unit names ({@code app/number}) by application, then by unit number as a
 * number, so that {@code postgresql/2} comes before {@code postgresql/10}.
 */
final class UnitNameOrder implements Comparator<String> {

	static final UnitNameOrder INSTANCE = new UnitNameOrder();

	private UnitNameOrder() {
	}

	@Override
	public int compare(String left, String right) {
		int leftSlash = left.lastIndexOf('/');
		int rightSlash = right.lastIndexOf('/');
		if (leftSlash < 0 || rightSlash < 0) {
			return left.compareTo(right);
		}
		int byApp = left.substring(0, leftSlash).compareTo(right.substring(0, rightSlash));
		if (byApp != 0) {
			return byApp;
		}
		String leftNumber = left.substring(leftSlash + 1);
		String rightNumber = right.substring(rightSlash + 1);
		if (isNumber(leftNumber) && isNumber(rightNumber)) {
			int byLength = Integer.compare(stripZeros(leftNumber).length(), stripZeros(rightNumber).length());
			int byNumber = (byLength != 0) ? byLength : stripZeros(leftNumber).compareTo(stripZeros(rightNumber));
			if (byNumber != 0) {
				return byNumber;
			}
		}
		return leftNumber.compareTo(rightNumber);
	}

	private static boolean isNumber(String text) {
		return !text.isEmpty() && text.chars().allMatch((c) -> c >= '0' && c <= '9');
	}

	private static String stripZeros(String number) {
		int start = 0;
		while (start < number.length() - 1 && number.charAt(start) == '0') {
			start++;
		}
		return number.substring(start);
	}

}
