"""NHS number: ten digits, the last a modulus 11 check digit."""


def normalise_nhs_number(value: str) -> str:
    digits = value.replace(" ", "").replace("-", "")
    if len(digits) != 10 or not digits.isdigit():
        raise ValueError("an NHS number has ten digits")
    if not nhs_check_digit_ok(digits):
        raise ValueError("the NHS number's check digit is wrong")
    return digits


def nhs_check_digit_ok(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])
