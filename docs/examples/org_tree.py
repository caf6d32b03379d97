"""Build an org tree (区 → 街道 → 社区) and query it."""

from epireport import ModelError, OrgTree, OrgUnit

tree = OrgTree(
    [
        OrgUnit("D01", "城关区"),
        OrgUnit("S01", "东街道", parent="D01"),
        OrgUnit("S02", "西街道", parent="D01"),
        OrgUnit("C01", "一社区", parent="S01"),
        OrgUnit("C02", "二社区", parent="S01"),
        OrgUnit("C03", "三社区", parent="S02"),
    ],
    level_names=("区", "街道", "社区"),
)

print("roots:", [u.code for u in tree.roots])
print("children of D01:", [u.name for u in tree.children("D01")])
print("leaves under S01:", [u.code for u in tree.leaves("S01")])
print("path to C03:", " / ".join(u.name for u in tree.path("C03")))
print("C02 is at level", tree.depth("C02"), tree.level_name("C02"))
print("S01 above C02:", tree.is_ancestor("S01", "C02"))
print("every 社区:", [u.code for u in tree.at_level(3)])

# Every structural problem is reported at once, naming the units concerned.
try:
    OrgTree([OrgUnit("A", "甲", parent="B"), OrgUnit("B", "乙", parent="A"), OrgUnit("A", "丙")])
except ModelError as error:
    print("refused:", error)
