"""The person who ordered is told of each status change a manager makes (lms.notifications, e-mail)."""
from lms.testing import DEMO_EMAILS, csrf_token, sign_in, smtp_server, smtp_settings


def test_order_status_changes_reach_the_orderer_by_email(app_factory, demo):
    import sqlalchemy as sa

    from lms.events import commit
    from lms.extensions import db
    from lms_marketing.demo import load_demo_data
    from lms_marketing.models import Item

    with smtp_server() as mail:
        app = app_factory(**smtp_settings(mail))
        with app.app_context():
            load_demo_data()
            commit()
        with app.app_context():  # not conftest's ids(): another folder's conftest may own that module name
            poster = db.session.scalar(sa.select(Item.id).where(Item.kind == "poster"))
        learner = app.test_client()
        sign_in(learner, "learner")
        placed = learner.post(f"/marketing/items/{poster}", data={
            "quantity": 5, "comment": "", "csrf_token": csrf_token(learner, "/marketing/")})
        order_id = int(placed.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        manager = app.test_client()
        sign_in(manager, "manager")
        assert manager.post(f"/marketing/manage/orders/{order_id}/approve",
                            data={"csrf_token": csrf_token(manager, "/marketing/")}).status_code == 302
        app.test_cli_runner().invoke(args=["worker", "--once"])
        [told] = mail.to(DEMO_EMAILS["learner"])
        assert told["Subject"] == f"Заказ №{order_id}: Одобрен"
        assert f"/marketing/orders/{order_id}" in told.get_content()
