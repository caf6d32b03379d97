from datetime import date, datetime

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport.exceptions import ModelError
from epireport.model._periods import Period
from epireport.model._units import OrgTree, OrgUnit
from epireport.testing._st_model import org_trees


def district() -> OrgTree:
    """区 → 街道 → 社区: 徐汇区 with two streets, three communities under the first."""
    return OrgTree(
        (
            OrgUnit("xh", "徐汇区", level=1),
            OrgUnit("tl", "田林街道", "xh", level=2),
            OrgUnit("tl-1", "田林一村社区", "tl", level=3),
            OrgUnit("tl-2", "田林二村社区", "tl"),
            OrgUnit("tl-3", "田林三村社区", "tl"),
            OrgUnit("kj", "康健街道", "xh"),
            OrgUnit("kj-1", "康健一村社区", "kj", level=3),
        ),
        level_names=("区", "街道", "社区"),
    )


def codes(units: tuple[OrgUnit, ...]) -> list[str]:
    return [u.code for u in units]


class TestOrgUnit:
    def test_minimal_unit_is_a_root(self) -> None:
        """A unit without parent is a root and may omit level and dates."""
        unit = OrgUnit("xh", "徐汇区")
        assert unit.is_root
        assert unit.level is None

    @pytest.mark.parametrize(
        ("kwargs", "fragment"),
        [
            ({"code": "", "name": "区"}, "OrgUnit.code: a code must not be empty"),
            ({"code": "x h", "name": "区"}, "OrgUnit.code: a code must not contain whitespace"),
            ({"code": 3, "name": "区"}, "OrgUnit.code: expected a code"),
            ({"code": "xh", "name": "  "}, "OrgUnit.name: a name must not be blank"),
            ({"code": "xh", "name": "区", "parent": "xh"}, "cannot be its own parent"),
            ({"code": "xh", "name": "区", "parent": "a b"}, "OrgUnit.parent"),
            ({"code": "xh", "name": "区", "level": 0}, "OrgUnit.level: expected a level >= 1"),
            ({"code": "xh", "name": "区", "level": True}, "OrgUnit.level"),
            ({"code": "xh", "name": "区", "level": 2}, "is a root at level 1, not 2"),
            ({"code": "tl", "name": "街", "parent": "xh", "level": 1}, "cannot be at level 1"),
            (
                {
                    "code": "xh",
                    "name": "区",
                    "opening": date(2020, 2, 2),
                    "closing": date(2020, 2, 1),
                },
                "OrgUnit.closing: unit 'xh' closes on 2020-02-01, before it opens on 2020-02-02",
            ),
            ({"code": "xh", "name": "区", "opening": datetime(2020, 1, 1)}, "OrgUnit.opening"),
        ],
    )
    def test_invalid_units_are_refused_with_field_and_value(
        self, kwargs: dict[str, object], fragment: str
    ) -> None:
        """Each OrgUnit validator raises ModelError naming the field and the offending value."""
        with pytest.raises(ModelError, match="OrgUnit") as info:
            OrgUnit(**kwargs)  # type: ignore[arg-type]
        assert fragment in str(info.value)

    def test_open_on_respects_inclusive_opening_and_closing(self) -> None:
        """is_open_on counts both the opening and the closing day as open."""
        unit = OrgUnit("s", "方舱", opening=date(2020, 2, 5), closing=date(2020, 3, 10))
        assert not unit.is_open_on(date(2020, 2, 4))
        assert unit.is_open_on(date(2020, 2, 5))
        assert unit.is_open_on(date(2020, 3, 10))
        assert not unit.is_open_on(date(2020, 3, 11))
        assert OrgUnit("t", "区").is_open_on(date(1990, 1, 1))

    def test_open_during_and_throughout_use_half_open_periods(self) -> None:
        """is_open_during needs one open day in the period, is_open_throughout needs all."""
        unit = OrgUnit("s", "方舱", opening=date(2020, 2, 5), closing=date(2020, 2, 29))
        february, march = Period.parse("202002"), Period.parse("202003")
        assert unit.is_open_during(february)
        assert not unit.is_open_throughout(february)
        assert not unit.is_open_during(march)
        assert not unit.is_open_during(Period.parse("20200204"))
        assert unit.is_open_throughout(Period.parse("2020-02-05/2020-02-29"))
        whole = OrgUnit("w", "区", closing=date(2020, 2, 29))
        assert whole.is_open_throughout(february)
        assert not whole.is_open_throughout(Period.parse("2020Q1"))


class TestOrgTreeQueries:
    def test_lookup_and_membership(self) -> None:
        """Lookup returns the unit, membership tests codes, unknown codes raise ModelError."""
        tree = district()
        assert tree.get("tl").name == "田林街道"
        assert "kj-1" in tree
        assert "nope" not in tree
        assert 3 not in tree
        with pytest.raises(ModelError, match="unknown org unit 'nope'"):
            tree.get("nope")
        with pytest.raises(ModelError, match="unknown org unit 'nope'"):
            tree.children("nope")

    def test_iteration_is_preorder_with_given_child_order(self) -> None:
        """Iteration yields a parent before its children, siblings in their given order."""
        tree = district()
        assert codes(tuple(tree)) == ["xh", "tl", "tl-1", "tl-2", "tl-3", "kj", "kj-1"]
        assert len(tree) == 7
        assert tree.codes == ("xh", "tl", "tl-1", "tl-2", "tl-3", "kj", "kj-1")

    def test_structure_queries_on_a_district(self) -> None:
        """parent, children, ancestors, descendants, subtree and path answer as drawn."""
        tree = district()
        assert codes(tree.roots) == ["xh"]
        assert tree.parent("xh") is None
        assert tree.parent("tl-2") == tree.get("tl")
        assert codes(tree.children("tl")) == ["tl-1", "tl-2", "tl-3"]
        assert tree.children("kj-1") == ()
        assert codes(tree.ancestors("tl-3")) == ["tl", "xh"]
        assert tree.ancestors("xh") == ()
        assert codes(tree.descendants("xh")) == ["tl", "tl-1", "tl-2", "tl-3", "kj", "kj-1"]
        assert codes(tree.subtree("kj")) == ["kj", "kj-1"]
        assert codes(tree.path("kj-1")) == ["xh", "kj", "kj-1"]

    def test_levels_and_level_names(self) -> None:
        """Levels count from 1 at the root and map to the declared names 区/街道/社区."""
        tree = district()
        assert tree.depth("xh") == 1
        assert tree.level("tl-2") == 3
        assert tree.height == 3
        assert codes(tree.at_level(2)) == ["tl", "kj"]
        assert tree.at_level(4) == ()
        assert tree.level_name("xh") == "区"
        assert tree.level_name("kj") == "街道"
        assert tree.level_name(3) == "社区"
        assert tree.level_name(4) == ""
        assert OrgTree((OrgUnit("a", "局"),)).level_name("a") == ""
        with pytest.raises(ModelError, match=r"OrgTree\.level_name"):
            tree.level_name(2.0)  # type: ignore[arg-type]

    def test_leaves_and_ancestry(self) -> None:
        """Leaves are the childless units (optionally under one unit); is_ancestor is strict."""
        tree = district()
        assert codes(tree.leaves()) == ["tl-1", "tl-2", "tl-3", "kj-1"]
        assert codes(tree.leaves(under="kj")) == ["kj-1"]
        assert codes(tree.leaves(under="tl-2")) == ["tl-2"]
        assert tree.is_leaf("tl-2")
        assert not tree.is_leaf("tl")
        assert tree.is_ancestor("xh", "tl-3")
        assert not tree.is_ancestor("tl", "kj-1")
        assert not tree.is_ancestor("tl", "tl")
        assert not tree.is_ancestor("tl-3", "xh")

    def test_forest_keeps_roots_in_given_order(self) -> None:
        """Several roots are allowed and keep the order in which they were given."""
        tree = OrgTree(
            (
                OrgUnit("b2", "二中", "jyj2"),
                OrgUnit("jyj2", "教育局乙"),
                OrgUnit("jyj1", "教育局甲"),
                OrgUnit("a1", "一中", "jyj1"),
            ),
            level_names=("局", "学校", "班级"),
        )
        assert codes(tree.roots) == ["jyj2", "jyj1"]
        assert codes(tuple(tree)) == ["jyj2", "b2", "jyj1", "a1"]
        assert tree.level_name("a1") == "学校"

    def test_from_parent_map_defaults_names_to_codes(self) -> None:
        """from_parent_map builds the same structure as explicit units."""
        tree = OrgTree.from_parent_map({"xh": None, "tl": "xh"}, names={"xh": "徐汇区"})
        assert tree.get("xh").name == "徐汇区"
        assert tree.get("tl").name == "tl"
        assert codes(tree.path("tl")) == ["xh", "tl"]

    def test_equality_ignores_indexes(self) -> None:
        """Trees with equal units are equal and hash alike; indexes stay out of the repr."""
        assert district() == district()
        assert hash(district()) == hash(district())
        assert "_by_code" not in repr(district())

    def test_empty_tree(self) -> None:
        """An empty tree has no units, no levels and no leaves."""
        tree = OrgTree(())
        assert len(tree) == 0
        assert tree.height == 0
        assert tree.leaves() == ()

    def test_deep_tree_does_not_recurse(self) -> None:
        """A chain of 5000 units builds and answers without hitting the recursion limit."""
        parents = {f"u{i}": (f"u{i - 1}" if i else None) for i in range(5000)}
        tree = OrgTree.from_parent_map(parents)
        assert tree.depth("u4999") == 5000
        assert len(tree.descendants("u0")) == 4999


class TestOrgTreeValidation:
    def test_duplicate_codes_name_both_units(self) -> None:
        """A duplicate code is refused, naming the code and both units."""
        with pytest.raises(ModelError) as info:
            OrgTree((OrgUnit("a", "甲社区"), OrgUnit("a", "乙社区")))
        message = str(info.value)
        assert "OrgTree.units: duplicate code 'a'" in message
        assert "甲社区" in message
        assert "乙社区" in message

    def test_orphans_are_refused(self) -> None:
        """A unit whose parent is not in the tree is refused, naming unit and parent."""
        with pytest.raises(ModelError, match=r"unit 'tl' .* has unknown parent 'xh'"):
            OrgTree((OrgUnit("tl", "田林街道", "xh"),))

    def test_cycles_name_the_units_in_the_cycle(self) -> None:
        """A cycle of parent links is refused, listing exactly the units on the cycle."""
        with pytest.raises(ModelError) as info:
            OrgTree(
                (
                    OrgUnit("root", "区"),
                    OrgUnit("a", "甲", "b"),
                    OrgUnit("b", "乙", "c"),
                    OrgUnit("c", "丙", "a"),
                    OrgUnit("d", "丁", "a"),
                )
            )
        message = str(info.value)
        assert "cycle: 'a' → 'b' → 'c' → 'a'" in message
        assert "'d'" not in message
        assert "'root'" not in message

    def test_declared_level_must_match_depth(self) -> None:
        """A declared level that differs from the unit's depth is refused."""
        with pytest.raises(ModelError, match=r"unit 'c' .* declares level 2 but sits at level 3"):
            OrgTree(
                (OrgUnit("a", "区"), OrgUnit("b", "街道", "a"), OrgUnit("c", "社区", "b", level=2))
            )

    def test_all_problems_are_listed_at_once(self) -> None:
        """Duplicates, orphans and cycles found together are reported in one ModelError."""
        with pytest.raises(ModelError) as info:
            OrgTree(
                (
                    OrgUnit("a", "甲"),
                    OrgUnit("a", "甲二"),
                    OrgUnit("o", "孤", "missing"),
                    OrgUnit("x", "X", "y"),
                    OrgUnit("y", "Y", "x"),
                )
            )
        message = str(info.value)
        assert message.startswith("OrgTree.units: 3 problems:")
        assert "duplicate code 'a'" in message
        assert "unknown parent 'missing'" in message
        assert "cycle: 'x' → 'y' → 'x'" in message

    def test_items_must_be_org_units(self) -> None:
        """Anything but an OrgUnit among the units is refused."""
        with pytest.raises(ModelError, match=r"OrgTree\.units: item 0 is not an OrgUnit"):
            OrgTree(("a",))  # type: ignore[arg-type]

    def test_level_names_must_not_be_blank(self) -> None:
        """Blank level names are refused, naming the level."""
        with pytest.raises(ModelError, match=r"OrgTree\.level_names: level 2"):
            OrgTree((OrgUnit("a", "区"),), level_names=("区", ""))


class TestOrgTreeProperties:
    @given(org_trees())
    def test_ancestors_and_descendants_agree(self, tree: OrgTree) -> None:
        """Unit b is a descendant of a iff a is an ancestor of b iff is_ancestor(a, b)."""
        for a in tree.codes:
            below = set(codes(tree.descendants(a)))
            for b in tree.codes:
                above_b = codes(tree.ancestors(b))
                assert (b in below) == (a in above_b) == tree.is_ancestor(a, b)

    @given(org_trees())
    def test_path_is_reversed_ancestors_then_self(self, tree: OrgTree) -> None:
        """path(u) is the ancestors of u, root first, followed by u; its length is the depth."""
        for unit in tree:
            path = tree.path(unit.code)
            assert path == (*reversed(tree.ancestors(unit.code)), unit)
            assert len(path) == tree.depth(unit.code)
            assert path[0] in tree.roots

    @given(org_trees(max_roots=4))
    def test_root_subtrees_partition_the_tree(self, tree: OrgTree) -> None:
        """The subtrees of the roots cover every unit exactly once, in iteration order."""
        joined = [u for root in tree.roots for u in tree.subtree(root.code)]
        assert joined == list(tree)
        assert len(set(codes(tuple(joined)))) == len(tree) == len(tree.units)

    @given(org_trees())
    def test_leaves_have_no_children_and_levels_cover_all(self, tree: OrgTree) -> None:
        """Leaves are exactly the childless units; at_level over all levels lists every unit."""
        leaves = set(codes(tree.leaves()))
        assert leaves == {u.code for u in tree if not tree.children(u.code)}
        by_level = [u for n in range(1, tree.height + 1) for u in tree.at_level(n)]
        assert sorted(codes(tuple(by_level))) == sorted(tree.codes)
        for unit in tree:
            assert all(tree.parent(c.code) == unit for c in tree.children(unit.code))

    @given(org_trees())
    def test_preorder_puts_parents_first(self, tree: OrgTree) -> None:
        """In iteration order every unit comes after its parent."""
        position = {code: i for i, code in enumerate(tree.codes)}
        for unit in tree:
            if unit.parent is not None:
                assert position[unit.parent] < position[unit.code]

    @given(org_trees(min_units=2), st.data())
    def test_rewiring_a_unit_below_itself_is_a_cycle(
        self, tree: OrgTree, data: st.DataObject
    ) -> None:
        """Making a unit the child of one of its own descendants is refused, naming the unit."""
        candidates = [u for u in tree if tree.descendants(u.code)]
        if not candidates:
            return
        unit = data.draw(st.sampled_from(candidates))
        below = data.draw(st.sampled_from(tree.descendants(unit.code)))
        units = tuple(
            attrs.evolve(u, parent=below.code, level=None) if u.code == unit.code else u
            for u in tree.units
        )
        with pytest.raises(ModelError, match="cycle") as info:
            OrgTree(units)
        assert repr(unit.code) in str(info.value)

    @given(org_trees())
    def test_strategy_trees_rebuild_without_error(self, tree: OrgTree) -> None:
        """Trees drawn by the strategy are valid: rebuilding them from their units succeeds."""
        assert OrgTree(tree.units, tree.level_names) == tree
