from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = "Funds"

    def ready(self) -> None:
        from accommodation import mars_house_page
        from funds import api, figures, mars_house, person, timeline, waiting
        from funds.access import can_see_funds_only, can_see_requests
        from mars import home, navigation, person_page
        from mars import timeline as mars_timeline
        from mars import waiting as mars_waiting
        from mars.api import router

        api.register(router)
        mars_waiting.sources.add(waiting.overdue)
        mars_timeline.providers.add(timeline.entries_for)
        person_page.providers.add(person.section, order=30)
        person_page.providers.add(person.hardship_section, order=31)
        navigation.links.add(
            navigation.NavLink("Funds", "funds:request_list", can_see_requests), order=50
        )
        navigation.links.add(
            navigation.NavLink("Funds", "funds:fund_list", can_see_funds_only), order=50
        )
        home.parts.add(figures.home_part, order=60)
        mars_house_page.sections.add(mars_house.property_spend)
        mars_house_page.issue_additions.add(mars_house.issue_payments)
