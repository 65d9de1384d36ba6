"""The plugin host: one manager per app, discovery, blocking, slots and the setup/event hooks."""
import importlib
import re
from types import SimpleNamespace

import pluggy
import pytest
import sqlalchemy as sa
from markupsafe import Markup

from lms import hookimpl
from lms.auth.models import Role, User
from lms.hookspecs import hookspec
from lms.plugins import DEFAULT_PLUGINS, NavItem, call_slot

sample = importlib.import_module("plugin_fixtures.sample_tab_plugin")


@pytest.fixture
def plugin_app(app_factory):
    sample.provisioned.clear()
    return app_factory(plugins=[sample])


def signed_in_client(app, role="learner"):
    from lms.testing import DEMO_EMAILS, DEMO_PASSWORD, csrf_token
    from lms.demo import load_core_demo_data
    from lms.events import commit

    with app.app_context():
        load_core_demo_data()
        commit()
    client = app.test_client()
    client.post("/login", data={"email": DEMO_EMAILS[role], "password": DEMO_PASSWORD,
                                "csrf_token": csrf_token(client)})
    return client


def test_each_app_has_its_own_plugin_manager(app_factory):
    first, second = app_factory(), app_factory(plugins=[sample])
    assert isinstance(first.extensions["lms"], pluggy.PluginManager)
    assert first.extensions["lms"] is not second.extensions["lms"]
    assert first.extensions["lms"].get_plugin("plugin_fixtures.sample_tab_plugin") is None
    assert second.extensions["lms"].get_plugin("plugin_fixtures.sample_tab_plugin") is sample


def test_core_domains_are_plugins(app):
    names = {name for name, _ in app.extensions["lms"].list_name_plugin()}
    assert set(DEFAULT_PLUGINS) <= names


def test_hook_lms_tpl_nav_items(plugin_app):
    html = signed_in_client(plugin_app).get("/").get_data(as_text=True)
    assert '<a href="/sample/">Образцы</a>' in html
    # sorted by order: Обучение (10) before the plugin's tab (50)
    assert html.index(">Обучение<") < html.index(">Образцы<")


def test_hook_lms_tpl_dashboard(plugin_app):
    html = signed_in_client(plugin_app).get("/").get_data(as_text=True)
    assert '<section class="panel" id="sample-panel"><h2>Панель плагина</h2><p>Иван Петров</p></section>' in html


def test_hook_lms_register_blueprints(plugin_app):
    assert "sample_tab_plugin" in plugin_app.blueprints
    assert plugin_app.test_client().get("/sample/").get_data(as_text=True) == "sample plugin page"


def test_hook_lms_app_created(plugin_app):
    assert plugin_app.config["SAMPLE_PLUGIN_READY"] is True


def test_hook_lms_user_provisioned(plugin_app):
    from lms.auth.services import create_user
    from lms.events import commit
    from lms.extensions import db

    from lms.events import dispatch_committed_events

    with plugin_app.app_context():
        user = create_user(email="new@demo.example.com", name="Новый", role=Role.AUTHOR, source="admin")
        assert sample.provisioned == []  # not before the commit
        commit()
        assert sample.provisioned == [(user.id, "admin")]
        create_user(email="rolled@demo.example.com", name="Откат", role=Role.AUTHOR)
        db.session.rollback()
        dispatch_committed_events()
        assert sample.provisioned == [(user.id, "admin")]  # a rolled-back creation is never announced
        assert db.session.scalar(sa.select(User.id).where(User.email == "rolled@demo.example.com")) is None


def test_hook_lms_migration_dirs(app):
    dirs = [d for result in app.extensions["lms"].hook.lms_migration_dirs() for d in result]
    assert any(d.endswith("lms/migrations/versions") for d in dirs)


def test_hook_lms_translation_dirs(app_factory, tmp_path):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po
    from flask_babel import gettext

    catalog = Catalog(locale="ru")
    catalog.add("Plugin greeting", "Привет от плагина")
    (tmp_path / "ru" / "LC_MESSAGES").mkdir(parents=True)
    with open(tmp_path / "ru" / "LC_MESSAGES" / "messages.po", "wb") as po:
        write_po(po, catalog)

    class TranslatedPlugin:
        @hookimpl
        def lms_translation_dirs(self):
            return [str(tmp_path)]

    app = app_factory(plugins=[TranslatedPlugin()])
    with app.test_request_context("/", headers={"Accept-Language": "ru"}):
        assert gettext("Plugin greeting") == "Привет от плагина"
        assert gettext("Sign in") == "Войти"  # the core catalogue is still there


def test_hook_lms_load_demo_data(app_factory):
    calls = []

    class DemoPlugin:
        @hookimpl
        def lms_load_demo_data(self):
            from lms.auth.models import Dealer
            from lms.extensions import db

            calls.append(db.session.scalar(sa.select(sa.func.count(Dealer.id))))

    app = app_factory(plugins=[DemoPlugin()])
    with app.app_context():
        from lms.cli import init_database

        init_database(demo=True)
    assert calls == [3]  # ran once, after the core demo dealers existed


def test_disabled_plugins_are_never_loaded(app_factory):
    app = app_factory(plugins=[sample], DISABLED_PLUGINS="plugin_fixtures.sample_tab_plugin,lms.admin.hooks")
    pm = app.extensions["lms"]
    assert pm.get_plugin("plugin_fixtures.sample_tab_plugin") is None
    assert "admin" not in app.blueprints
    assert "sample_tab_plugin" not in app.blueprints


def test_an_implementation_of_an_unknown_hook_fails_at_start_up(app_factory):
    class Misspelled:
        @hookimpl
        def lms_tpl_nav_itemz(self, user):
            return None

    with pytest.raises(pluggy.PluginValidationError, match="lms_tpl_nav_itemz"):
        app_factory(plugins=[Misspelled()])


def test_call_slot_rejects_unknown_slots(app):
    with app.test_request_context("/"):
        with pytest.raises(LookupError, match="unknown template slot"):
            call_slot("sidebar", user=None)


def test_slots_escape_plain_strings(app_factory):
    class Careless:
        @hookimpl
        def lms_tpl_dashboard(self, user):
            return "<script>alert(1)</script>"

    app = app_factory(plugins=[Careless()])
    with app.test_request_context("/"):
        html = call_slot("dashboard", user=None)
    assert isinstance(html, Markup) and "<script>" not in html and "&lt;script&gt;" in html


def test_nav_items_accept_lists(app_factory):
    class TwoTabs:
        @hookimpl
        def lms_tpl_nav_items(self, user):
            return [NavItem("b", "B", "/b", order=200), NavItem("a", "A", "/a", order=200)]

    app = app_factory(plugins=[TwoTabs()])
    with app.test_request_context("/"):
        from flask_login import AnonymousUserMixin

        items = call_slot("nav_items", user=AnonymousUserMixin())
    assert [item.key for item in items] == ["a", "b"]


def test_plugins_command_lists_plugins_and_hooks(app_factory):
    app = app_factory(plugins=[sample])
    result = app.test_cli_runner().invoke(args=["plugins"])
    assert result.exit_code == 0
    assert "plugin_fixtures.sample_tab_plugin\n    lms_app_created\n" in result.output
    assert "lms.courses.hooks" in result.output


class WidgetWorker:
    """A plugin with background work: two widgets due on the first run, nothing after."""

    def __init__(self):
        self.batches, self.due = [], 2

    @hookimpl
    def lms_worker_run_once(self, batch_size):
        from flask import current_app

        assert current_app  # called inside an app context
        self.batches.append(batch_size)
        done, self.due = self.due, 0
        return {"widgets polished": done}


def test_hook_lms_worker_run_once(app_factory):
    plugin = WidgetWorker()
    app = app_factory(plugins=[plugin])
    runner = app.test_cli_runner()

    first = runner.invoke(args=["worker", "--once", "--batch", "7"])
    second = runner.invoke(args=["worker", "--once"])

    assert first.exit_code == 0 and "widgets polished: 2" in first.output, first.output
    assert second.exit_code == 0 and "widgets polished" not in second.output  # idle runs say nothing
    # The first run passes again until a pass finds nothing (its work may queue more); the second
    # run's one pass finds nothing.
    assert plugin.batches == [7, 7, 10]


class ChainWorker:
    """One unit of work queues the next, three deep (a certificate queues its e-mail, ...)."""

    def __init__(self):
        self.queued = 1

    @hookimpl
    def lms_worker_run_once(self, batch_size):
        if not self.queued:
            return {}
        self.queued = 0 if getattr(self, "depth", 0) >= 2 else 1
        self.depth = getattr(self, "depth", 0) + 1
        return {"links": 1}


def test_worker_once_does_the_work_its_own_work_queued(app_factory):
    app = app_factory(plugins=[ChainWorker()])
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0 and "links: 3" in result.output, result.output


class WidgetHookspecs:
    """The hookspecs of a throw-away plugin, as its hookspecs module would declare them."""

    @hookspec
    def lms_widgets_polished(self, count):
        """Widgets were polished; ``count`` is how many."""


class WidgetPlugin:
    """Declares its own hook, as lms_polls and lms_marketing do."""

    @hookimpl
    def lms_add_hookspecs(self, pm):
        pm.add_hookspecs(WidgetHookspecs)


class WidgetListener:
    def __init__(self):
        self.heard = []

    @hookimpl
    def lms_widgets_polished(self, count):
        self.heard.append(count)


def test_hook_lms_add_hookspecs(app_factory):
    listener = WidgetListener()
    # Registered before the declaring plugin: the implementation waits for the spec, then is checked.
    app = app_factory(plugins=[listener, WidgetPlugin()])
    pm = app.extensions["lms"]
    assert pm.hook.lms_widgets_polished.has_spec()
    pm.hook.lms_widgets_polished(count=3)
    assert listener.heard == [3]

    class GadgetHookspecs:
        @hookspec
        def lms_gadgets_counted(self, total):
            """Gadgets were counted."""

    class LatePlugin:
        @hookimpl
        def lms_add_hookspecs(self, pm):
            pm.add_hookspecs(GadgetHookspecs)

    pm.register(LatePlugin())  # historic, as pytest_addhooks: a later plugin declares its hooks at once
    assert pm.hook.lms_gadgets_counted.has_spec()


def test_a_misspelt_implementation_of_a_plugin_hook_fails_at_start_up(app_factory):
    class Misspelt:
        @hookimpl
        def lms_widgets_polishd(self, count):
            return None

    with pytest.raises(pluggy.PluginValidationError, match="lms_widgets_polishd"):
        app_factory(plugins=[WidgetPlugin(), Misspelt()])


def test_an_implementation_with_wrong_arguments_fails_at_start_up(app_factory):
    class WrongArguments:
        @hookimpl
        def lms_widgets_polished(self, widgets):
            return None

    with pytest.raises(pluggy.PluginValidationError, match="widgets"):
        app_factory(plugins=[WrongArguments(), WidgetPlugin()])


class AuditMenu:
    """A plugin page in the administration sub-menu, for administrators only."""

    @hookimpl
    def lms_tpl_admin_menu(self, user):
        if user.is_authenticated and user.role == Role.ADMIN:
            return NavItem(key="audit", label="Аудит", url="/audit/", order=35)
        return None


def admin_menu(html: str) -> str:
    return re.search(r'<nav class="subnav" aria-label="Администрирование">.*?</nav>', html, re.S).group(0)


def test_hook_lms_tpl_admin_menu(app_factory):
    app = app_factory(plugins=[AuditMenu()])
    client = signed_in_client(app, "admin")
    users = admin_menu(client.get("/admin/users").get_data(as_text=True))
    labels = re.findall(r">([^<>]+)</a>", users)
    # Sorted by order: the admin domain's 10, 20, 30, the plugin's 35, then the integrations (40 and up).
    assert labels[:4] == ["Пользователи", "Дилеры", "Плагины", "Аудит"]
    assert {"API-токены", "Вебхуки", "Журнал доставки", "Описание API (OpenAPI)"} <= set(labels[4:])
    assert '<a href="/admin/users" aria-current="page">Пользователи</a>' in users
    # Every administration page shows the same menu, the integrations' pages included.
    tokens = admin_menu(client.get("/admin/api-tokens").get_data(as_text=True))
    assert re.findall(r">([^<>]+)</a>", tokens) == labels
    assert '<a href="/admin/api-tokens" aria-current="page">API-токены</a>' in tokens
    assert '<a href="/audit/">Аудит</a>' in tokens
    with app.test_request_context("/"):
        manager = SimpleNamespace(is_authenticated=True, role=Role.MANAGER)
        assert call_slot("admin_menu", user=manager) == []


def test_menu_slots_take_nav_items_only(app_factory):
    class MarkupMenu:
        @hookimpl
        def lms_tpl_admin_menu(self, user):
            return Markup('<a href="/x">X</a>')

    app = app_factory(plugins=[MarkupMenu()])
    with app.test_request_context("/"):
        with pytest.raises(TypeError, match="admin_menu"):
            call_slot("admin_menu", user=SimpleNamespace(is_authenticated=False))
